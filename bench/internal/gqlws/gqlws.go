// Package gqlws is a small graphql-transport-ws client for the load
// generators (bench/taskevents, bench/soak): one connection per
// subscription, as a browser tab holds it, answering the server's pings.
package gqlws

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
)

type message struct {
	ID      string          `json:"id,omitempty"`
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

func payload(v any) json.RawMessage {
	b, _ := json.Marshal(v)
	return b
}

// Sub is one connection carrying one subscription.
type Sub struct {
	conn   *websocket.Conn
	onNext func(at time.Time, data json.RawMessage)

	mu      sync.Mutex
	err     error // why it ended, if it did
	closing bool
}

// Subscribe opens a graphql-transport-ws connection to wsURL as the
// token's user declaring purpose, and starts query with vars. onNext hears
// each event's data with its arrival time, from the connection's reading
// goroutine; an event with errors ends the subscription (Ended).
func Subscribe(wsURL, token, purpose, query string, vars map[string]any, onNext func(at time.Time, data json.RawMessage)) (*Sub, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, wsURL, &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		return nil, err
	}
	c.SetReadLimit(1 << 20)
	init := payload(map[string]any{"Authorization": "Bearer " + token, "Hub-Purpose": purpose})
	if err := wsjson.Write(ctx, c, message{Type: "connection_init", Payload: init}); err != nil {
		c.CloseNow()
		return nil, err
	}
	for {
		var m message
		if err := wsjson.Read(ctx, c, &m); err != nil {
			c.CloseNow()
			return nil, fmt.Errorf("connection_init: %w", err)
		}
		if m.Type == "connection_ack" {
			break
		}
	}
	sub := payload(map[string]any{"query": query, "variables": vars})
	if err := wsjson.Write(ctx, c, message{ID: "1", Type: "subscribe", Payload: sub}); err != nil {
		c.CloseNow()
		return nil, err
	}
	s := &Sub{conn: c, onNext: onNext}
	go s.read()
	return s, nil
}

// read hands each event to onNext until the connection ends.
func (s *Sub) read() {
	for {
		_, b, err := s.conn.Read(context.Background())
		at := time.Now()
		if err != nil {
			s.end(err)
			return
		}
		var m message
		if err := json.Unmarshal(b, &m); err != nil {
			s.end(fmt.Errorf("not a message: %w", err))
			continue
		}
		switch m.Type {
		case "ping":
			_ = wsjson.Write(context.Background(), s.conn, message{Type: "pong"})
		case "next":
			var p struct {
				Data   json.RawMessage
				Errors []struct{ Message string }
			}
			if err := json.Unmarshal(m.Payload, &p); err != nil || len(p.Data) == 0 || string(p.Data) == "null" || len(p.Errors) > 0 {
				s.end(fmt.Errorf("next: %s", m.Payload))
				continue
			}
			s.onNext(at, p.Data)
		case "error", "complete":
			s.end(fmt.Errorf("%s: %s", m.Type, m.Payload))
		}
	}
}

// end keeps the first reason the subscription failed or ended, unless it
// is being closed.
func (s *Sub) end(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err == nil && !s.closing {
		s.err = err
	}
}

// Ended is why the subscription failed or ended (nil: it is open).
func (s *Sub) Ended() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// Close ends the connection normally.
func (s *Sub) Close() {
	s.mu.Lock()
	s.closing = true
	s.mu.Unlock()
	_ = s.conn.Close(websocket.StatusNormalClosure, "")
}
