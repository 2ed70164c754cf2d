/**
 * V8 heap settings for `herald worker` processes (DESIGN.md §9: worker RSS ≤ 250 MB while
 * sending). A sending worker's live heap is small (~64 MB: a batch's rendered messages, caches),
 * but with default settings V8 lets the old generation grow to about four times that between
 * full collections and keeps 3 × 64 MB of young-generation space, so RSS reached 320–400 MB in
 * `bench:send`. A 16 MB semi-space and a 192 MB old-generation cap keep it near 200 MB for about
 * 6 % more CPU per message (measured in bench:send; see docs/performance.md).
 *
 * Given to workers as NODE_OPTIONS (deploy/docker-compose.yml, docs/operations.md) and used by
 * `npm run bench:send` by default, so the bench measures what an operator runs.
 */
export const WORKER_NODE_OPTIONS = '--max-semi-space-size=16 --max-old-space-size=192';
