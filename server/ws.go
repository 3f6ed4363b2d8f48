package server

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/gorilla/websocket"
	"github.com/hybridplan/hybridplan/server/auth"
)

// WebSocket timing. A watcher that cannot take a message within
// wsWriteTimeout is dropped; it reconnects with ?after=SEQ and loses
// nothing, while the run itself never waits for it.
const (
	wsWriteTimeout = 10 * time.Second
	wsPingEvery    = 30 * time.Second
	wsPongWait     = wsPingEvery + 10*time.Second
	// wsBatch bounds the events read from the store per wake-up, so one
	// watcher far behind does not hold a large slice.
	wsBatch = 256
)

// checkOrigin allows WebSockets from the server's public origin and the
// configured origins. The Host header is not trusted: a page on another
// site whose name was made to resolve to this server (DNS rebinding) sends
// its own name as Host and Origin alike. Browsers always send Origin on a
// WebSocket handshake; a missing one means a non-browser client, which has
// to present a token anyway.
func (s *Server) checkOrigin(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	return origin == "" || s.origins[strings.ToLower(origin)]
}

// watcherSlot takes one of the WebSocket slots (per user and in total), or
// says why not; release gives it back.
func (s *Server) watcherSlot(user string) (release func(), e *apiError) {
	s.wsMu.Lock()
	defer s.wsMu.Unlock()
	switch {
	case s.wsTotal >= s.maxWatchers:
		return nil, errorf(http.StatusTooManyRequests, "ws.too-many", "the server already streams to %d watchers, its limit; watch again later, or read GET runs/{id}/events", s.maxWatchers)
	case s.wsByUser[user] >= s.maxWatchersPerUser:
		return nil, errorf(http.StatusTooManyRequests, "ws.too-many", "%s already watches over %d WebSockets, the limit per user; close some (other tabs) and try again", user, s.maxWatchersPerUser)
	}
	s.wsTotal++
	s.wsByUser[user]++
	return func() {
		s.wsMu.Lock()
		defer s.wsMu.Unlock()
		s.wsTotal--
		if s.wsByUser[user]--; s.wsByUser[user] <= 0 {
			delete(s.wsByUser, user)
		}
	}, nil
}

// watch streams a run's events over a WebSocket: first those after
// ?after=SEQ from the store, then each new one as it is recorded. The
// connection closes normally once the run has finished and its last event
// is sent. Each message is one store.Event as JSON.
func (s *Server) watch(w http.ResponseWriter, r *http.Request) {
	if !s.checkOrigin(r) {
		writeError(w, errorf(http.StatusForbidden, "ws.origin", "WebSockets from origin %q are not allowed; open the page from this server, or add the origin to allowedOrigins in the server's configuration", r.Header.Get("Origin")))
		return
	}
	u, e := s.authorize(r, auth.Viewer)
	if e != nil {
		writeError(w, e)
		return
	}
	if rec, ok := w.(*statusRecorder); ok {
		rec.user = u.Name
	}
	run, e := s.loadRun(r)
	if e != nil {
		writeError(w, e)
		return
	}
	after, e := parseAfter(r, run)
	if e != nil {
		writeError(w, e)
		return
	}
	release, e := s.watcherSlot(u.Name)
	if e != nil {
		writeError(w, e)
		return
	}
	defer release()
	up := websocket.Upgrader{
		Subprotocols: []string{auth.WebSocketProtocol},
		CheckOrigin:  s.checkOrigin,
		Error: func(w http.ResponseWriter, r *http.Request, status int, reason error) {
			writeError(w, errorf(status, "ws.handshake", "WebSocket handshake failed: %v", reason))
		},
	}
	conn, err := up.Upgrade(w, r, nil)
	if err != nil {
		return // Upgrade wrote the error response
	}
	defer conn.Close()

	// The reader notices the client going away (and answers pings); the
	// client sends nothing else.
	gone := make(chan struct{})
	conn.SetReadLimit(1 << 10)
	_ = conn.SetReadDeadline(time.Now().Add(wsPongWait))
	conn.SetPongHandler(func(string) error { return conn.SetReadDeadline(time.Now().Add(wsPongWait)) })
	go func() {
		defer close(gone)
		for {
			if _, _, err := conn.ReadMessage(); err != nil {
				return
			}
		}
	}()

	ping := time.NewTicker(wsPingEvery)
	defer ping.Stop()
	hub := s.engine.Hub()
	last := after
	for {
		// While the run executes here, new events come from the hub's
		// memory, encoded once for every watcher.
		frames, next, complete := hub.Since(run.ID, last)
		if complete {
			for _, f := range frames {
				if err := s.sendFrame(conn, f.Data); err != nil {
					return
				}
				last = f.Seq
			}
		} else {
			evs, err := s.st.Events(run.ID, last, wsBatch)
			if err != nil {
				s.closeWS(conn, websocket.CloseInternalServerErr, "reading events failed; reconnect with ?after="+itoa(last))
				return
			}
			for _, ev := range evs {
				data, err := json.Marshal(ev)
				if err != nil || s.sendFrame(conn, data) != nil {
					return
				}
				last = ev.Seq
			}
			if len(evs) > 0 {
				continue // more may be in the store, or now in the hub
			}
			cur, err := s.st.GetRun(run.ID)
			if err != nil {
				return
			}
			if cur.Finished() && last >= cur.LastSeq {
				s.closeWS(conn, websocket.CloseNormalClosure, "run "+cur.State)
				return
			}
			if next == nil {
				// Register for the next event, then look again in case it
				// came between the store read and now.
				hub.Wait(run.ID)
				continue
			}
		}
		select {
		case <-next:
		case <-ping.C:
			_ = conn.SetWriteDeadline(time.Now().Add(wsWriteTimeout))
			if err := conn.WriteMessage(websocket.PingMessage, nil); err != nil {
				return
			}
		case <-gone:
			return
		case <-s.closing:
			s.closeWS(conn, websocket.CloseGoingAway, "server shutting down; reconnect with ?after="+itoa(last))
			return
		}
	}
}

func (s *Server) sendFrame(conn *websocket.Conn, data []byte) error {
	_ = conn.SetWriteDeadline(time.Now().Add(wsWriteTimeout))
	return conn.WriteMessage(websocket.TextMessage, data)
}

func (s *Server) closeWS(conn *websocket.Conn, code int, reason string) {
	msg := websocket.FormatCloseMessage(code, reason)
	if err := conn.WriteControl(websocket.CloseMessage, msg, time.Now().Add(time.Second)); err != nil && !errors.Is(err, websocket.ErrCloseSent) {
		return
	}
}

func itoa(n uint64) string {
	b, _ := json.Marshal(n)
	return string(b)
}
