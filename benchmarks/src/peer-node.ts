// How the suites run our side: the built packages (each package's dist/, what npm installs), so
// what is measured is what users run. Through `--conditions=@switchboard/source` the TypeScript
// sources ran through tsx, whose esbuild `keepNames` wraps every named closure in a
// defineProperty call at creation: per-call cost on hot paths and a property dictionary (256 B)
// per closure that the built code has not. `pnpm bench` builds first; the peer scripts under
// src/peers are still TypeScript, run through tsx, and import the built packages.

/** Node's arguments before a peer script's path. */
export const PEER_NODE_ARGS: readonly string[] = ['--import=tsx'];
