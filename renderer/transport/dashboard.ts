import type { AdminCommandFrame, AdminServerFrame } from '../../shared/admin';
import { adminSocketPath } from '../../shared/admin';
import type { CommandArg, CommandName, CommandResult, HubUpdate } from '../../shared/ipc';
import { backoffDelay, type BackoffOptions } from '../../client/backoff';
import { type LinkState, type Transport, unavailable } from './types';

const tokenKey = 'relay-hub.admin-token';
/** Commands that get no answer within this time fail with `unavailable`. */
const commandTimeoutMs = 15_000;
/** Reconnect delays: the device SDK's full-jitter backoff, a window doubling from 1 s up to 10 s. */
const dashboardBackoff = { baseMs: 500, capMs: 10_000 } as const;

/** Reads the admin token from `#token=…` (then removes it from the address bar) or from sessionStorage. */
export function takeToken(location: Location, history: History, storage: Storage): string | null {
  const match = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (match?.[1] !== undefined) {
    const token = decodeURIComponent(match[1]);
    storage.setItem(tokenKey, token);
    // Keep the token out of bookmarks, screenshots and the history.
    history.replaceState(null, '', location.pathname + location.search);
    return token;
  }
  return storage.getItem(tokenKey);
}

/** Where the dashboard transport connects. Defaults come from the page's own address. */
export interface DashboardOptions {
  token: string | null;
  storage: Storage;
  /** ws(s)://host:port of the hub. */
  socketBase: string;
  /** http(s)://host:port of the hub, used to tell "token refused" from "hub unreachable". */
  httpBase: string;
  /** Reconnect backoff (default: base 0.5 s, cap 10 s; tests pass `random`). */
  backoff?: BackoffOptions;
}

/** Default options for a page served by the hub at /dashboard/. */
export function dashboardOptionsFromPage(): DashboardOptions {
  const { location, history, sessionStorage } = window;
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return {
    token: takeToken(location, history, sessionStorage),
    storage: sessionStorage,
    socketBase: `${scheme}//${location.host}`,
    httpBase: location.origin,
  };
}

/** A transport over the hub's admin WebSocket, reconnecting with backoff. */
export function createDashboardTransport(options: DashboardOptions): Transport {
  let token = options.token;
  let socket: WebSocket | null = null;
  let link: LinkState = { kind: 'connecting' };
  let attempt = 0;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;
  let nextId = 1;
  const pending = new Map<number, (result: CommandResult<CommandName>) => void>();
  const updateListeners = new Set<(update: HubUpdate) => void>();
  const linkListeners = new Set<(state: LinkState) => void>();

  const emit = (state: LinkState): void => {
    link = state;
    for (const fn of linkListeners) fn(state);
  };
  const failPending = (message: string): void => {
    for (const resolve of pending.values()) resolve(unavailable(message));
    pending.clear();
  };
  const hubAnswers = async (): Promise<boolean> => {
    try {
      const response = await fetch(`${options.httpBase}/health`, { cache: 'no-store' });
      return response.ok;
    } catch {
      return false;
    }
  };
  const scheduleRetry = (): void => {
    attempt += 1;
    const retryInMs = backoffDelay(attempt, { ...dashboardBackoff, ...options.backoff });
    emit({ kind: 'reconnecting', attempt, retryInMs });
    retryTimer = setTimeout(connect, retryInMs);
  };
  const onMessage = (event: MessageEvent): void => {
    if (typeof event.data !== 'string') return;
    let frame: AdminServerFrame;
    try {
      frame = JSON.parse(event.data) as AdminServerFrame;
    } catch {
      return;
    }
    if (frame.type === 'update') {
      for (const fn of updateListeners) fn(frame.update);
    } else if (frame.type === 'result') {
      pending.get(frame.id)?.(frame.result);
      pending.delete(frame.id);
    }
  };

  function connect(): void {
    clearTimeout(retryTimer);
    if (closed) return;
    if (token === null || token === '') {
      emit({ kind: 'unauthorized', reason: 'missing' });
      return;
    }
    if (link.kind !== 'reconnecting') emit({ kind: 'connecting' });
    const ws = new WebSocket(`${options.socketBase}${adminSocketPath}?token=${encodeURIComponent(token)}`);
    socket = ws;
    let opened = false;
    ws.onopen = () => {
      opened = true;
      attempt = 0;
      emit({ kind: 'open' });
    };
    ws.onmessage = onMessage;
    ws.onclose = () => {
      if (socket !== ws) return; // replaced by setToken() or close()
      socket = null;
      failPending('the connection to the hub was lost');
      if (opened) {
        scheduleRetry();
        return;
      }
      // The handshake failed. A 401 looks exactly like a dead hub to a WebSocket, so ask the hub.
      void hubAnswers().then((answers) => {
        if (socket !== null || closed) return;
        if (answers) emit({ kind: 'unauthorized', reason: 'refused' });
        else scheduleRetry();
      });
    };
  }

  connect();

  return {
    saves: 'download',
    call<K extends CommandName>(name: K, arg: CommandArg<K>): Promise<CommandResult<K>> {
      if (socket === null || socket.readyState !== WebSocket.OPEN) {
        return Promise.resolve(unavailable('not connected to the hub'));
      }
      const id = nextId++;
      const frame: AdminCommandFrame = { type: 'command', id, name, arg };
      const ws = socket;
      return new Promise<CommandResult<K>>((resolve) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          resolve(unavailable('the hub did not answer in time'));
        }, commandTimeoutMs);
        pending.set(id, (result) => {
          clearTimeout(timer);
          resolve(result as CommandResult<K>);
        });
        ws.send(JSON.stringify(frame));
      });
    },
    onUpdate(fn) {
      updateListeners.add(fn);
      return () => updateListeners.delete(fn);
    },
    onLink(fn) {
      linkListeners.add(fn);
      fn(link);
      return () => linkListeners.delete(fn);
    },
    setToken(next) {
      token = next.trim();
      options.storage.setItem(tokenKey, token);
      const old = socket;
      socket = null;
      old?.close();
      attempt = 0;
      link = { kind: 'connecting' };
      connect();
    },
    close() {
      closed = true;
      clearTimeout(retryTimer);
      const old = socket;
      socket = null;
      old?.close();
      failPending('the dashboard closed');
    },
  };
}
