/** Relay Hub's version (package.json's; shared/version.test.ts keeps the two equal). */
export const relayHubVersion = '0.1.0';

/** The DNS-SD service type a hub announces on its LAN (`_relay-hub._tcp`). */
export const mdnsServiceType = 'relay-hub';
