import { optionTable } from './options';

/** Validation limits shared by the hub's parsers and the GUI's forms. */
export interface TopicLimits {
  /** Most topics one client may subscribe to at once. */
  maxTopics: number;
  /** Longest topic name, in UTF-16 code units. */
  maxTopicLength: number;
}

/** Defaults (the options table's): generous for a LAN hub, small enough that one client cannot bloat the indexes. */
export const defaultTopicLimits: TopicLimits = {
  maxTopics: optionTable.maxTopics.default,
  maxTopicLength: optionTable.maxTopicLength.default,
};

/** Largest user id accepted: ids must be exact integers in JSON and in JavaScript. */
export const maxUserId = Number.MAX_SAFE_INTEGER;
