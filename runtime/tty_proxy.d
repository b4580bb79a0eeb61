runtime/tty_proxy.o: runtime/tty_proxy.c runtime/tty_proxy.h base/error.h \
 namespaces/console.h oci/config.h base/cleanup.h
runtime/tty_proxy.h:
base/error.h:
namespaces/console.h:
oci/config.h:
base/cleanup.h:
