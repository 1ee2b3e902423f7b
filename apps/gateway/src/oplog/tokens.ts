/** Injection tokens of the op log module. */
export const GATEWAY_IDENTITY = Symbol('GATEWAY_IDENTITY');
/** Wall clock in ms; replaced in tests to run a gateway with its clock years off. */
export const WALL_CLOCK = Symbol('WALL_CLOCK');
export const DATA_SOURCE = Symbol('DATA_SOURCE');
/** The gateway's pino logger. */
export const LOGGER = Symbol('LOGGER');
