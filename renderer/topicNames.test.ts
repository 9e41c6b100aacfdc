import { describe, expect, it } from 'vitest';
import { distinctNames } from './topicNames';

describe('distinctNames', () => {
  it('keeps what tells topics apart and says the shared levels once', () => {
    expect(distinctNames(['sensors/kitchen/temp', 'sensors/hall/temp', 'sensors/lab/temp'])).toEqual({
      prefix: 'sensors/',
      suffix: '/temp',
      short: ['kitchen', 'hall', 'lab'],
    });
    expect(distinctNames(['home/a/temp', 'home/b/hum'])).toEqual({
      prefix: 'home/',
      suffix: '',
      short: ['a/temp', 'b/hum'],
    });
    expect(distinctNames(['room-1', 'room-2'])).toEqual({ prefix: '', suffix: '', short: ['room-1', 'room-2'] });
  });

  it('cuts nothing from one topic, nor what a cut would leave empty or alike', () => {
    expect(distinctNames(['sensors/kitchen/temp'])).toEqual({
      prefix: '',
      suffix: '',
      short: ['sensors/kitchen/temp'],
    });
    expect(distinctNames(['a/b', 'a/b/c'])).toEqual({ prefix: 'a/', suffix: '', short: ['b', 'b/c'] });
    expect(distinctNames(['a', 'a/b']).short).toEqual(['a', 'a/b']);
  });
});
