/* Sorts the private input, read as u32 LE values, ascending (heap-allocated
 * merge sort); journal = the sorted values. Exit code 1 if the input length
 * is not a multiple of 4. */
#include "zkc.h"

static void merge_sort(uint32_t *v, uint32_t *tmp, size_t n) {
  if (n < 2) return;
  size_t mid = n / 2;
  merge_sort(v, tmp, mid);
  merge_sort(v + mid, tmp, n - mid);
  size_t i = 0, j = mid, k = 0;
  while (i < mid && j < n) tmp[k++] = v[j] < v[i] ? v[j++] : v[i++];
  while (i < mid) tmp[k++] = v[i++];
  while (j < n) tmp[k++] = v[j++];
  memcpy(v, tmp, n * sizeof *v);
}

int main(void) {
  size_t len;
  uint8_t *bytes = zkc_read_all(&len);
  if (len % 4 != 0) return 1;
  size_t n = len / 4;
  uint32_t *values = (uint32_t *)bytes; /* malloc'd, so 16-byte aligned */
  uint32_t *tmp = (uint32_t *)malloc(len + 4);
  if (tmp == NULL) return 2;
  merge_sort(values, tmp, n);
  zkc_commit(values, len);
  free(tmp);
  free(bytes);
  return 0;
}
