import { setFlagsFromString } from 'node:v8';

// V8 allocation-site pretenuring: once most objects from one array or object literal survive a
// scavenge, V8 allocates that literal's later objects straight in the old generation. Under load
// that decision lands on node-postgres's per-query `rows = []`; from then on every row a query
// returns is pushed into an old array, and an old array holds what it points to through the next
// scavenges even after it is garbage, so each request's rows and their strings are promoted (2.9 MB
// per scavenge at 1 500 lists/s, ~0 without) and wait for a mark-compact. A server's objects live
// for one request, so none of its literals gain from pretenuring (docs/benchmarks.md, change 48).
// Set before anything else loads: a site tenured before this line would stay tenured.
setFlagsFromString('--no-allocation-site-pretenuring');
