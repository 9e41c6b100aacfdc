/** The GUI's settings (flat, `shared/ipc.ts` `RelaySettings`) ↔ the relay's options. */
import type { RelaySettings } from '../../shared/ipc';
import type { LiveOptions, RelayOptions } from '../relay/index';

/** The GUI's settings view of relay options (topic limits flattened). */
export function settingsOf(options: RelayOptions): RelaySettings {
  return {
    host: options.host,
    port: options.port,
    publicUrl: options.publicUrl,
    heartbeatIntervalMs: options.heartbeatIntervalMs,
    maxBodyBytes: options.maxBodyBytes,
    maxPayloadBytes: options.maxPayloadBytes,
    maxMessageBytes: options.maxMessageBytes,
    maxBufferedBytes: options.maxBufferedBytes,
    slowConsumerPolicy: options.slowConsumerPolicy,
    slowConsumerGraceMs: options.slowConsumerGraceMs,
    maxTopics: options.topicLimits.maxTopics,
    maxTopicLength: options.topicLimits.maxTopicLength,
    maxRegistrations: options.maxRegistrations,
    maxConnections: options.maxConnections,
    registerRatePerSec: options.registerRatePerSec,
    registerBurst: options.registerBurst,
    publishRatePerSec: options.publishRatePerSec,
    publishBurst: options.publishBurst,
    allowedOrigins: options.allowedOrigins === null ? null : [...options.allowedOrigins],
    tlsCertFile: options.tlsCertFile,
    tlsKeyFile: options.tlsKeyFile,
    expireIdleMs: options.expireIdleMs,
  };
}

/** Relay options for settings (the fields absent from `patch` are not in the result, except both topic limits). */
export function optionsOf(patch: Partial<RelaySettings>, current: RelayOptions): Partial<LiveOptions> {
  const { maxTopics, maxTopicLength, ...rest } = patch;
  const options: Partial<LiveOptions> = {};
  for (const [key, value] of Object.entries(rest)) {
    if (value !== undefined) Object.assign(options, { [key]: value });
  }
  if (maxTopics !== undefined || maxTopicLength !== undefined) {
    options.topicLimits = {
      maxTopics: maxTopics ?? current.topicLimits.maxTopics,
      maxTopicLength: maxTopicLength ?? current.topicLimits.maxTopicLength,
    };
  }
  return options;
}

/** The fields of `patch` whose value differs from the relay's current settings. */
export function changedSettings(patch: Partial<RelaySettings>, options: RelayOptions): Partial<RelaySettings> {
  const current = settingsOf(options) as unknown as Record<string, unknown>;
  const changed: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(patch)) {
    if (value !== undefined && JSON.stringify(value) !== JSON.stringify(current[key])) changed[key] = value;
  }
  return changed;
}
