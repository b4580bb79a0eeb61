#ifndef OCRUN_FEATURES_H
#define OCRUN_FEATURES_H
/* malloc'd pretty-printed features JSON. */
char *oc_features_json(void);
#endif
