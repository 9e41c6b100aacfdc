/**
 * The MQTT door (MQTT 3.1/3.1.1 over TCP, TLS and WebSocket, on aedes): what the relay's
 * `createRelay` uses of it. See `door.ts`.
 */
export { MqttDoor } from './door';
export { MqttListeners, mqttWebSocketPath } from './listeners';
export { SessionStore } from './persistence';
