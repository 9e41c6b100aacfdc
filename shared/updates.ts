/** The desktop app's "check for updates": what the GUI shows (the version, and the last answer of the release feed). */

/** The state of the update check. */
export type UpdateState =
  /** The operator has not turned the check on (the default). */
  | { kind: 'off' }
  /** On, not checked yet. */
  | { kind: 'idle' }
  /** This build cannot update itself (the portable build, a run from source). */
  | { kind: 'unsupported'; reason: string }
  | { kind: 'checking' }
  | { kind: 'current'; checkedAt: number }
  | { kind: 'available'; version: string; checkedAt: number }
  | { kind: 'failed'; message: string; checkedAt: number };

/** The running version and the update check's state. */
export interface UpdateStatus {
  version: string;
  state: UpdateState;
}
