/**
 * Errors of the gateway emulator.
 */

/**
 * A plugin script, stack or request the emulator cannot evaluate faithfully (unsupported field
 * values, syntax outside the evaluated subset, unresolved references). The emulator answers such
 * requests with status 500 and `unsupported: true`, never with a DENY that would look like
 * protection the real gateway might not give.
 */
export class EmulatorUnsupportedError extends Error {}
