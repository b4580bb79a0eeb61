/* Pressure stall information (PSI): the kernel's "some" and "full" lines of /proc/pressure/<res>
 * and of a cgroup v2 directory's <res>.pressure, parsed into numbers. */
#ifndef OCRUN_BASE_PSI_H
#define OCRUN_BASE_PSI_H
#include <stdbool.h>
#include <stdint.h>

/* One line: % of wall time stalled, averaged over 10, 60 and 300 s, and the total in µs. */
struct oc_psi_line {
  bool set;
  double avg10, avg60, avg300;
  uint64_t total_usec;
};
/* some: at least one task stalled; full: every non-idle task stalled (absent for host cpu on
 * kernels before 5.13). */
struct oc_psi {
  bool set;
  struct oc_psi_line some, full;
};

/* The pressure resources, in the order ocrun prints them. */
enum { OC_PSI_CPU, OC_PSI_MEMORY, OC_PSI_IO, OC_PSI_COUNT };
extern const char *const oc_psi_names[OC_PSI_COUNT];

/* Parse a pressure file's text ("some avg10=0.00 avg60=... total=N\nfull ..."); lines that do not
 * match are skipped. Returns true when at least one line was read. */
bool oc_psi_parse(const char *text, struct oc_psi *out);
/* /proc/pressure/<oc_psi_names[res]>: false (out cleared) when the host has no PSI. */
bool oc_psi_read_host(int res, struct oc_psi *out);

#endif
