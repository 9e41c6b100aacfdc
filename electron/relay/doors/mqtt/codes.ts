/** MQTT's quality-of-service levels. */
export type Qos = 0 | 1 | 2;

/** Close codes the operator sees for an MQTT client (no WebSocket close code applies). */
export const mqttCode = { normal: 0, error: 1, keepalive: 2, slow: 4002, revoked: 4003, unregistered: 4000 } as const;
