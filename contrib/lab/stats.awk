# stats.awk: the lab's analysis functions (awk -f stats.awk -e '...'), tested on fixed inputs by
# tests/lab/run.sh.
#   sortn(v, n)         sort v[1..n] numerically, in place
#   pct(v, n, p)        nearest-rank percentile p (0 < p <= 100) of v[1..n] (sorts v)
#   jain(x, n)          Jain's fairness index (sum x)^2 / (n * sum x^2), 1 = perfectly fair,
#                       1/n = one instance gets everything; x = achieved / expected share
#   share_err(a, e)     relative error of an achieved share against the expected one
function sortn(v, n,    i, j, t) {
  for (i = 2; i <= n; i++) {
    t = v[i]
    for (j = i - 1; j >= 1 && v[j] > t; j--) v[j + 1] = v[j]
    v[j + 1] = t
  }
}
function pct(v, n, p,    r) {
  if (n < 1) return "NA"
  sortn(v, n)
  r = int((n * p + 99) / 100)
  if (r < 1) r = 1
  if (r > n) r = n
  return v[r]
}
function jain(x, n,    i, s, q) {
  s = 0; q = 0
  for (i = 1; i <= n; i++) { s += x[i]; q += x[i] * x[i] }
  if (n < 1 || q == 0) return "NA"
  return s * s / (n * q)
}
function share_err(a, e) {
  if (e == 0) return "NA"
  return (a - e) / e
}
