// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { TopicList } from './TopicList';

afterEach(cleanup);

const chips = () => screen.getAllByText((_, element) => element?.classList.contains('chip') ?? false);

describe('TopicList', () => {
  it('says how many, the shared levels once, and what tells each topic apart, full names on hover', () => {
    render(<TopicList topics={['sensors/kitchen/temp', 'sensors/hall/temp', 'sensors/lab/temp']} />);
    const list = screen.getByTestId('topic-chips');
    expect(list.querySelector('.chips-count')?.textContent).toBe('3');
    expect(list.querySelector('.chips-shared')?.textContent).toBe('sensors/…/temp');
    expect(chips().map((chip) => [chip.textContent, chip.getAttribute('title')])).toEqual([
      ['kitchen', 'sensors/kitchen/temp'],
      ['hall', 'sensors/hall/temp'],
      ['lab', 'sensors/lab/temp'],
    ]);
    expect(list.getAttribute('title')).toBe('sensors/kitchen/temp, sensors/hall/temp, sensors/lab/temp');
  });

  it('shows a few chips and counts the rest (35 topics: 3 and +32), or all of them when asked', () => {
    const topics = Array.from({ length: 35 }, (_, i) => `site/room-${i}`);
    render(<TopicList topics={topics} />);
    expect(chips().map((chip) => chip.textContent)).toEqual(['room-0', 'room-1', 'room-2', '+32']);
    cleanup();
    render(<TopicList topics={topics} max={Number.POSITIVE_INFINITY} wrap />);
    expect(chips()).toHaveLength(35);
  });
});
