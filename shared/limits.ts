/** Validation limits shared by the hub's parsers and the GUI's forms. */
export interface TopicLimits {
  /** Most topics one client may subscribe to at once. */
  maxTopics: number;
  /** Longest topic name, in UTF-16 code units. */
  maxTopicLength: number;
}

/**
 * Defaults (the options table's `maxTopics` and `maxTopicLength` take them from here, so the
 * parsers a device SDK bundles need no options table): generous for a LAN hub, small enough that
 * one client cannot bloat the indexes.
 */
export const defaultTopicLimits: Readonly<TopicLimits> = { maxTopics: 64, maxTopicLength: 256 };

/** Largest user id accepted: ids must be exact integers in JSON and in JavaScript. */
export const maxUserId = Number.MAX_SAFE_INTEGER;
