/* Exits with code 42 and an empty journal: the smallest observable behaviour. */
int main(void) { return 42; }
