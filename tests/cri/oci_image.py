#!/usr/bin/python3
"""oci_image.py NAME ROOTFS OUT.tar [--cmd ARG]...: write an OCI image archive (oci-layout,
index.json, blobs) of one uncompressed layer holding ROOTFS, named NAME, that
`ctr -n k8s.io images import` loads without any registry. Times in the layer are fixed (mtime 0)
and owners numeric, so the same ROOTFS always gives the same image digest."""
import hashlib
import io
import json
import os
import sys
import tarfile


def blob(blobs, data):
    digest = hashlib.sha256(data).hexdigest()
    blobs[digest] = data
    return "sha256:" + digest, len(data)


def layer_tar(rootfs):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        for dirpath, dirnames, filenames in os.walk(rootfs):
            dirnames.sort()
            for name in sorted(dirnames) + sorted(filenames):
                path = os.path.join(dirpath, name)
                info = t.gettarinfo(path, os.path.relpath(path, rootfs))
                info.uname = info.gname = ""  # numeric owners, as make-rootfs.sh set them
                info.mtime = 0
                if info.isreg():
                    with open(path, "rb") as f:
                        t.addfile(info, f)
                else:
                    t.addfile(info)
    return buf.getvalue()


def main(argv):
    if len(argv) < 4:
        sys.exit("usage: oci_image.py NAME ROOTFS OUT.tar [--cmd ARG]...")
    name, rootfs, out = argv[1:4]
    cmd = [argv[i + 1] for i in range(4, len(argv) - 1) if argv[i] == "--cmd"]
    blobs = {}
    layer = layer_tar(rootfs)
    layer_digest, layer_size = blob(blobs, layer)
    config = {
        "architecture": "amd64",
        "os": "linux",
        "config": {"Cmd": cmd, "Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]},
        "rootfs": {"type": "layers", "diff_ids": [layer_digest]},
    }
    config_digest, config_size = blob(blobs, json.dumps(config, sort_keys=True).encode())
    manifest = {
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                   "digest": config_digest, "size": config_size},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar",
                    "digest": layer_digest, "size": layer_size}],
    }
    manifest_digest, manifest_size = blob(blobs, json.dumps(manifest, sort_keys=True).encode())
    index = {
        "schemaVersion": 2,
        "manifests": [{
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "digest": manifest_digest, "size": manifest_size,
            "platform": {"architecture": "amd64", "os": "linux"},
            # containerd names an imported image by this annotation.
            "annotations": {"io.containerd.image.name": name,
                            "org.opencontainers.image.ref.name": name.rsplit(":", 1)[-1]},
        }],
    }
    files = {"oci-layout": json.dumps({"imageLayoutVersion": "1.0.0"}).encode(),
             "index.json": json.dumps(index, sort_keys=True).encode()}
    for digest, data in blobs.items():
        files["blobs/sha256/" + digest] = data
    tmp = out + ".tmp"
    with tarfile.open(tmp, mode="w", format=tarfile.PAX_FORMAT) as t:
        for d in ("blobs", "blobs/sha256"):
            info = tarfile.TarInfo(d)
            info.type, info.mode = tarfile.DIRTYPE, 0o755
            t.addfile(info)
        for path, data in files.items():
            info = tarfile.TarInfo(path)
            info.size, info.mode = len(data), 0o644
            t.addfile(info, io.BytesIO(data))
    os.replace(tmp, out)


if __name__ == "__main__":
    main(sys.argv)
