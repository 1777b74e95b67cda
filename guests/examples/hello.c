/* Prints a greeting to host stdout and commits it to the public journal. */
#include "zkc.h"

int main(void) {
  static const char greeting[] = "hello from zkc\n";
  zkc_print(greeting);
  zkc_commit(greeting, sizeof greeting - 1);
  return 0;
}
