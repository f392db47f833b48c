// The npm graphql-ws client as a partner's app uses it: createClient with
// its default retry settings (retryAttempts, shouldRetry, retryWait left
// alone), ws as the WebSocket. graph/wsclient_test.go runs this against a
// real hub.
//
// Usage: node client.mjs '<JSON scenarios>'. Each scenario is
// {name, url, connectionParams, query, watchMs}: one subscription on its
// own client, watched for watchMs after it ended (error or close) or, when
// it is meant to work, until its first event. The script prints one JSON
// line per happening on stdout:
//   {"name", "ready": true}        connected: the test may now cause an event
//   {"name", "result": {...}}      attempts (connection attempts the client
//                                  made) and attemptsAtMs (when, since the
//                                  scenario began), closes [{code, reason,
//                                  atMs}], errors [{code, reason, message}],
//                                  events [data]
// and exits 0 when every scenario has a result.
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const scenarios = JSON.parse(process.argv[2]);
const print = (o) => process.stdout.write(JSON.stringify(o) + '\n');

function run(s) {
  return new Promise((resolve) => {
    const start = Date.now();
    const result = { attempts: 0, attemptsAtMs: [], closes: [], errors: [], events: [] };
    let finished = false;
    let client;
    const finish = () => {
      if (finished) return;
      finished = true;
      // Watch on: a retry after the end would show here.
      setTimeout(() => {
        // dispose awaits the last connection attempt, which a refusal
        // rejected with its close event: nothing more to learn from it.
        Promise.resolve(client.dispose()).catch(() => {});
        print({ name: s.name, result });
        resolve();
      }, s.watchMs);
    };
    client = createClient({
      url: s.url,
      webSocketImpl: WebSocket,
      connectionParams: s.connectionParams,
      on: {
        connecting: () => { result.attempts++; result.attemptsAtMs.push(Date.now() - start); },
        connected: () => { setTimeout(() => print({ name: s.name, ready: true }), 300); },
        closed: (e) => {
          if (e && typeof e.code === 'number') result.closes.push({ code: e.code, reason: String(e.reason), atMs: Date.now() - start });
          // A 4403 is retried with backoff (graphql-ws): its first close
          // starts the watch, as an error does for the fatal codes.
          if (e && e.code === 4403) finish();
        },
      },
    });
    client.subscribe({ query: s.query }, {
      next: (v) => { result.events.push(v.data ?? v); finish(); },
      error: (e) => {
        result.errors.push(e && typeof e.code === 'number'
          ? { code: e.code, reason: String(e.reason) }
          : { message: String(e && e.message ? e.message : JSON.stringify(e)) });
        finish();
      },
      complete: () => finish(),
    });
  });
}

// Bounded: a scenario that never ends is reported, not waited for.
const deadline = setTimeout(() => {
  print({ error: 'timed out waiting for the scenarios' });
  process.exit(2);
}, 60_000);
await Promise.all(scenarios.map(run));
clearTimeout(deadline);
process.exit(0);
