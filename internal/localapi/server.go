// Package localapi is an in-process stand-in for the Telegram Bot API: the
// bot talks to it over HTTP exactly as it talks to Telegram, while it plays
// the users' side. The console chats through it, and the tests use it to see
// what a user would see. It checks requests the way Telegram does (message
// length, HTML, button data, answered callbacks), so that a mistake fails
// here before it fails in production.
package localapi

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/delegatedesk/delegatedesk/internal/tghtml"
)

// botUser is the bot's own account as getMe reports it: as on Telegram,
// its id is the token's first part.
func botUser(token string) User {
	id, err := strconv.ParseInt(strings.SplitN(token, ":", 2)[0], 10, 64)
	if err != nil {
		id = 1
	}
	return User{ID: id, IsBot: true, FirstName: "Delegate Desk", Username: "delegate_desk_bot"}
}

// User is a Telegram user on the users' side.
type User struct {
	ID           int64  `json:"id"`
	IsBot        bool   `json:"is_bot"`
	FirstName    string `json:"first_name"`
	Username     string `json:"username,omitempty"`
	LanguageCode string `json:"language_code,omitempty"`
}

// Button is an inline keyboard button.
type Button struct {
	Text         string `json:"text"`
	CallbackData string `json:"callback_data,omitempty"`
	URL          string `json:"url,omitempty"`
}

// Venue is a location pin with a title and address.
type Venue struct {
	Latitude  float64
	Longitude float64
	Title     string
	Address   string
}

// Message is something the bot sent to a chat, as it stands now (edits
// applied).
type Message struct {
	ID     int
	ChatID int64
	// Method is the method that sent it: sendMessage, sendVenue, sendDocument…
	Method string
	// HTML is the text or caption as sent; Text is what the reader sees.
	HTML    string
	Text    string
	Links   []tghtml.Link
	Buttons [][]Button
	Venue   *Venue
	// File is the file_id or URL of a document, photo or video.
	File    string
	Edited  bool
	Deleted bool
	// Paid is set when the message was sent with allow_paid_broadcast.
	Paid bool
	// Thread is the forum topic it was sent to; ReplyTo the message it
	// answers.
	Thread, ReplyTo int
	// Seq grows with every message sent, edited or deleted, across chats.
	Seq int64
}

// Callback is a button press and the bot's answer to it.
type Callback struct {
	ID       string
	Data     string
	Answered bool
	Text     string
	Alert    bool
}

// Server is the stand-in. Create it with New; it is an http.Handler.
type Server struct {
	token string
	bot   User

	mu        sync.Mutex
	changed   chan struct{} // closed and replaced whenever an update is queued
	updates   []json.RawMessage
	updateIDs []int64
	nextID    int64
	nextMsg   map[int64]int
	messages  []*Message
	callbacks map[string]*Callback
	commands  map[string][]map[string]string // by scope type + language code
	texts     map[string]string              // descriptions by method + language code
	users     map[int64]User
	blocked   map[int64]bool
	throttled map[int64]int // chat → sends still to answer 429
	failing   map[int64]int // chat → sends still to answer 500
	migrated  map[int64]int64
	groups    map[int64]bool
	forums    map[int64]bool
	topics    map[int64]int               // forum → last topic id
	deleted   map[int64]map[int]bool      // forum → topics deleted
	incoming  map[[2]int64]map[string]any // (chat, message id) → what a user sent
	nextCB    int
	seq       int64
	files     map[string][]byte // file_id → content, of files users sent
	nextFile  int
}

// New returns a stand-in that serves the bot with the given token.
func New(token string) *Server {
	return &Server{
		token:     token,
		bot:       botUser(token),
		changed:   make(chan struct{}),
		nextID:    1,
		nextMsg:   map[int64]int{},
		callbacks: map[string]*Callback{},
		commands:  map[string][]map[string]string{},
		texts:     map[string]string{},
		users:     map[int64]User{},
		blocked:   map[int64]bool{},
		throttled: map[int64]int{},
		failing:   map[int64]int{},
		migrated:  map[int64]int64{},
		groups:    map[int64]bool{},
		forums:    map[int64]bool{},
		topics:    map[int64]int{},
		deleted:   map[int64]map[int]bool{},
		incoming:  map[[2]int64]map[string]any{},
		files:     map[string][]byte{},
	}
}

// Listen serves the stand-in on a loopback port until ctx is done and
// returns its URL.
func (s *Server) Listen(ctx context.Context) (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("localapi: listen: %w", err)
	}
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		<-ctx.Done()
		srv.Close()
	}()
	go srv.Serve(ln)
	return "http://" + ln.Addr().String(), nil
}

// SendText queues a private message from user, as Telegram would deliver
// it, and returns its update id. A leading /command gets its entity.
func (s *Server) SendText(user User, text string) int64 {
	msg := map[string]any{
		"chat": map[string]any{"id": user.ID, "type": "private", "first_name": user.FirstName},
		"from": user,
		"text": text,
	}
	if strings.HasPrefix(text, "/") {
		cmd, _, _ := strings.Cut(text, " ")
		msg["entities"] = []map[string]any{{"type": "bot_command", "offset": 0, "length": tghtml.Len(cmd)}}
	}
	return s.queueMessage(user, msg)
}

// Entity is formatting a user gave part of a message in their app;
// Offset and Length count UTF-16 units.
type Entity struct {
	Type           string `json:"type"`
	Offset, Length int
	URL            string `json:"url,omitempty"`
}

// SendFormatted queues a private message from user with formatting, as
// Telegram delivers what was made bold or linked in the app.
func (s *Server) SendFormatted(user User, text string, entities ...Entity) int64 {
	es := make([]map[string]any, len(entities))
	for i, e := range entities {
		es[i] = map[string]any{"type": e.Type, "offset": e.Offset, "length": e.Length}
		if e.URL != "" {
			es[i]["url"] = e.URL
		}
	}
	return s.queueMessage(user, map[string]any{
		"chat":     map[string]any{"id": user.ID, "type": "private", "first_name": user.FirstName},
		"from":     user,
		"text":     text,
		"entities": es,
	})
}

func (s *Server) queueMessage(user User, msg map[string]any) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users[user.ID] = user
	chat := user.ID
	if c, ok := msg["chat"].(map[string]any); ok {
		chat = c["id"].(int64)
	}
	s.nextMsg[chat]++
	msg["message_id"] = s.nextMsg[chat]
	msg["date"] = time.Now().Unix()
	s.incoming[[2]int64{chat, int64(s.nextMsg[chat])}] = msg
	return s.queueLocked(map[string]any{"message": msg})
}

// SendDocument queues a private message from user carrying a file, as
// Telegram delivers it: the bot gets a file_id and fetches the content
// through getFile.
func (s *Server) SendDocument(user User, fileName string, content []byte) int64 {
	return s.SendCaptioned(user, fileName, content, "")
}

// SendCaptioned is SendDocument with a caption, optionally in reply to a
// message the bot sent.
func (s *Server) SendCaptioned(user User, fileName string, content []byte, caption string, replyTo ...Message) int64 {
	s.mu.Lock()
	s.nextFile++
	id := fmt.Sprintf("BQACAgIAAxkBAAIlocalfile%04d", s.nextFile)
	s.files[id] = content
	s.mu.Unlock()
	return s.queueMessage(user, map[string]any{
		"chat": map[string]any{"id": user.ID, "type": "private", "first_name": user.FirstName},
		"from": user,
		"document": map[string]any{
			"file_id": id, "file_unique_id": id, "file_name": fileName, "file_size": len(content),
		},
		"caption":          caption,
		"reply_to_message": s.replyOf(replyTo),
	})
}

// replyOf renders the message replied to, if any, as Telegram includes it.
func (s *Server) replyOf(msgs []Message) any {
	if len(msgs) == 0 {
		return nil
	}
	m := msgs[0]
	return map[string]any{"message_id": m.ID, "date": time.Now().Unix(), "text": m.Text,
		"chat": map[string]any{"id": m.ChatID, "type": "private"}, "from": s.bot}
}

// SendLocation queues a location a user shares.
func (s *Server) SendLocation(user User, lat, lon float64) int64 {
	return s.queueMessage(user, map[string]any{
		"chat":     map[string]any{"id": user.ID, "type": "private", "first_name": user.FirstName},
		"from":     user,
		"location": map[string]any{"latitude": lat, "longitude": lon},
	})
}

// SendReplyToForward queues a command from user that replies to a message
// forwarded from another person (or from a hidden account).
func (s *Server) SendReplyToForward(user User, text string, from User, hidden bool) int64 {
	origin := map[string]any{"type": "user", "date": time.Now().Unix(), "sender_user": from}
	if hidden {
		origin = map[string]any{"type": "hidden_user", "date": time.Now().Unix(), "sender_user_name": from.FirstName}
	}
	msg := map[string]any{
		"chat": map[string]any{"id": user.ID, "type": "private", "first_name": user.FirstName},
		"from": user,
		"text": text,
		"reply_to_message": map[string]any{
			"message_id": 1, "date": time.Now().Unix(),
			"chat":           map[string]any{"id": user.ID, "type": "private"},
			"forward_origin": origin,
			"text":           "forwarded",
		},
	}
	if strings.HasPrefix(text, "/") {
		cmd, _, _ := strings.Cut(text, " ")
		msg["entities"] = []map[string]any{{"type": "bot_command", "offset": 0, "length": tghtml.Len(cmd)}}
	}
	return s.queueMessage(user, msg)
}

// File returns the content of a file the bot uploaded, by the name the
// stand-in gave it in Message.File.
func (s *Server) File(ref string) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.files[ref]
}

// Press queues a press of a message's callback button by user and returns the
// update id and the callback query id.
func (s *Server) Press(user User, m *Message, data string) (int64, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextCB++
	id := "cb" + strconv.Itoa(s.nextCB)
	s.callbacks[id] = &Callback{ID: id, Data: data}
	upd := map[string]any{"callback_query": map[string]any{
		"id":            id,
		"from":          user,
		"chat_instance": strconv.FormatInt(m.ChatID, 10),
		"data":          data,
		"message": map[string]any{
			"message_id": m.ID,
			"date":       time.Now().Unix(),
			"chat":       s.chatObject(m.ChatID),
			"from":       s.bot,
			"text":       m.Text,
		},
	}}
	return s.queueLocked(upd), id
}

func (s *Server) queueLocked(upd map[string]any) int64 {
	id := s.nextID
	s.nextID++
	upd["update_id"] = id
	raw, _ := json.Marshal(upd)
	s.updates = append(s.updates, raw)
	s.updateIDs = append(s.updateIDs, id)
	close(s.changed)
	s.changed = make(chan struct{})
	return id
}

// Block makes the user's chat answer 403, as when they blocked the bot.
func (s *Server) Block(chatID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.blocked[chatID] = true
}

// Throttle makes the next n sends to the chat answer 429 with retry_after
// of one second, as Telegram does to a bot that goes too fast.
func (s *Server) Throttle(chatID int64, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.throttled[chatID] += n
}

// Fail makes the next n sends to the chat answer 500, as Telegram does
// when it has trouble of its own.
func (s *Server) Fail(chatID int64, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failing[chatID] += n
}

// Group makes a group chat the bot is a member of.
func (s *Server) Group(chatID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.groups[chatID] = true
}

// Migrate turns a group into the supergroup to: messages to the group
// answer 400 with migrate_to_chat_id, as Telegram does.
func (s *Server) Migrate(group, to int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.migrated[group] = to
	s.groups[to] = true
}

// Messages returns copies of the messages the bot sent to a chat, oldest first.
func (s *Server) Messages(chatID int64) []Message { return s.MessagesSince(chatID, 0) }

// MessagesSince returns copies of the messages of a chat sent or changed
// after the change numbered seq (see Message.Seq and Seq), oldest first.
func (s *Server) MessagesSince(chatID, seq int64) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Message
	for _, m := range s.messages {
		if m.ChatID == chatID && m.Seq > seq {
			out = append(out, *m)
		}
	}
	return out
}

// Seq returns the number of the latest change to any message.
func (s *Server) Seq() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.seq
}

// touch numbers a change to m; the caller holds s.mu.
func (s *Server) touch(m *Message) {
	s.seq++
	m.Seq = s.seq
}

// Callback returns what became of a button press.
func (s *Server) Callback(id string) Callback {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, ok := s.callbacks[id]; ok {
		return *c
	}
	return Callback{}
}

// Commands returns the command menu set for a scope ("default", "chat:<id>")
// and language code ("" for all languages), as command → description.
func (s *Server) Commands(scope, lang string) map[string]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]string{}
	for _, c := range s.commands[scope+"/"+lang] {
		out[c["command"]] = c["description"]
	}
	return out
}

// Description returns what setMyDescription or setMyShortDescription set
// for a language code.
func (s *Server) Description(method, lang string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.texts[method+"/"+lang]
}

type apiError struct {
	code       int
	desc       string
	retryAfter int
	migrateTo  int64
}

func (e *apiError) Error() string { return e.desc }

func badRequest(format string, args ...any) error {
	return &apiError{code: http.StatusBadRequest, desc: "Bad Request: " + fmt.Sprintf(format, args...)}
}

// ServeHTTP answers Bot API requests: POST /bot<token>/<method>.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if path, ok := strings.CutPrefix(r.URL.Path, "/file/bot"+s.token+"/documents/"); ok && s.token != "" {
		s.mu.Lock()
		content, found := s.files[path]
		s.mu.Unlock()
		if !found {
			http.NotFound(w, r)
			return
		}
		w.Write(content)
		return
	}
	rest, ok := strings.CutPrefix(r.URL.Path, "/bot"+s.token+"/")
	if !ok || s.token == "" {
		writeJSON(w, http.StatusUnauthorized, map[string]any{"ok": false, "error_code": 401, "description": "Unauthorized"})
		return
	}
	// Parameterless methods come as an empty multipart body, which the
	// standard library reports as a premature end.
	if err := r.ParseMultipartForm(32 << 20); err != nil && err != http.ErrNotMultipart && !strings.HasSuffix(err.Error(), "NextPart: EOF") {
		writeJSON(w, http.StatusBadRequest, map[string]any{"ok": false, "error_code": 400, "description": "Bad Request: " + err.Error()})
		return
	}
	upload := func(field string) (string, []byte, bool) {
		if r.MultipartForm == nil || len(r.MultipartForm.File[field]) == 0 {
			return "", nil, false
		}
		fh := r.MultipartForm.File[field][0]
		f, err := fh.Open()
		if err != nil {
			return "", nil, false
		}
		defer f.Close()
		data, err := io.ReadAll(f)
		return fh.Filename, data, err == nil
	}
	result, err := s.call(r.Context(), rest, r.FormValue, upload)
	if err != nil {
		e, ok := err.(*apiError)
		if !ok {
			e = &apiError{code: http.StatusInternalServerError, desc: err.Error()}
		}
		resp := map[string]any{"ok": false, "error_code": e.code, "description": e.desc}
		if e.retryAfter > 0 {
			resp["parameters"] = map[string]any{"retry_after": e.retryAfter}
		}
		if e.migrateTo != 0 {
			resp["parameters"] = map[string]any{"migrate_to_chat_id": e.migrateTo}
		}
		writeJSON(w, e.code, resp)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"ok": true, "result": result})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}

func (s *Server) call(ctx context.Context, method string, form func(string) string, upload func(string) (string, []byte, bool)) (any, error) {
	switch method {
	case "getMe":
		return s.bot, nil
	case "getUpdates":
		return s.getUpdates(ctx, form)
	case "deleteWebhook", "close", "logOut":
		return true, nil
	case "sendMessage":
		return s.send(method, form, form("text"), 4096, true)
	case "sendVenue", "sendLocation":
		return s.send(method, form, "", 0, false)
	case "sendDocument", "sendPhoto", "sendVideo":
		return s.sendFile(method, form, upload)
	case "getFile":
		return s.getFile(form)
	case "editMessageText":
		return s.edit(form)
	case "copyMessage":
		return s.copyMessage(form)
	case "createForumTopic":
		return s.createTopic(form)
	case "getChat":
		return s.getChat(form)
	case "editMessageCaption":
		return s.editCaption(form)
	case "editMessageReplyMarkup":
		return s.editMarkup(form)
	case "deleteMessage":
		return s.delete(form)
	case "answerCallbackQuery":
		return s.answer(form)
	case "setMyCommands":
		return s.setCommands(form)
	case "setMyDescription":
		return s.setText(method, form, "description", 512)
	case "setMyShortDescription":
		return s.setText(method, form, "short_description", 120)
	}
	return nil, &apiError{code: http.StatusNotFound, desc: "Not Found: method " + method + " is not supported by the local stand-in"}
}

func (s *Server) getUpdates(ctx context.Context, form func(string) string) (any, error) {
	offset, _ := strconv.ParseInt(form("offset"), 10, 64)
	timeout, _ := strconv.Atoi(form("timeout"))
	deadline := time.After(time.Duration(timeout) * time.Second)
	for {
		s.mu.Lock()
		// As in Telegram, asking from an offset confirms every earlier update.
		for len(s.updateIDs) > 0 && s.updateIDs[0] < offset {
			s.updates, s.updateIDs = s.updates[1:], s.updateIDs[1:]
		}
		if len(s.updates) > 0 {
			out := slices.Clone(s.updates[:min(len(s.updates), 100)])
			s.mu.Unlock()
			return out, nil
		}
		changed := s.changed
		s.mu.Unlock()
		select {
		case <-changed:
		case <-deadline:
			return []json.RawMessage{}, nil
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

func (s *Server) chat(form func(string) string) (int64, error) {
	id, err := strconv.ParseInt(form("chat_id"), 10, 64)
	if err != nil {
		return 0, badRequest("chat_id is invalid")
	}
	if s.blocked[id] {
		return 0, &apiError{code: http.StatusForbidden, desc: "Forbidden: bot was blocked by the user"}
	}
	if s.throttled[id] > 0 {
		s.throttled[id]--
		return 0, &apiError{code: http.StatusTooManyRequests, desc: "Too Many Requests: retry after 1", retryAfter: 1}
	}
	if s.failing[id] > 0 {
		s.failing[id]--
		return 0, &apiError{code: http.StatusInternalServerError, desc: "Internal Server Error"}
	}
	if to, ok := s.migrated[id]; ok {
		return 0, &apiError{code: http.StatusBadRequest, desc: "Bad Request: group chat was upgraded to a supergroup chat", migrateTo: to}
	}
	if _, ok := s.users[id]; !ok && !s.groups[id] {
		return 0, badRequest("chat not found")
	}
	return id, nil
}

func (s *Server) send(method string, form func(string) string, text string, limit int, required bool) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	chatID, err := s.chat(form)
	if err != nil {
		return nil, err
	}
	m := &Message{ChatID: chatID, Method: method, HTML: text, Paid: form("allow_paid_broadcast") == "true"}
	if m.Thread, err = s.thread(chatID, form); err != nil {
		return nil, err
	}
	m.ReplyTo = replyTarget(form)
	if err := fillText(m, text, form("parse_mode"), limit, required); err != nil {
		return nil, err
	}
	if m.Buttons, err = parseMarkup(form("reply_markup")); err != nil {
		return nil, err
	}
	switch method {
	case "sendVenue", "sendLocation":
		v := &Venue{Title: form("title"), Address: form("address")}
		lat, errLat := strconv.ParseFloat(form("latitude"), 64)
		lon, errLon := strconv.ParseFloat(form("longitude"), 64)
		if errLat != nil || errLon != nil || lat < -90 || lat > 90 || lon < -180 || lon > 180 {
			return nil, badRequest("invalid coordinates")
		}
		if method == "sendVenue" && (v.Title == "" || v.Address == "") {
			return nil, badRequest("venue title and address must be non-empty")
		}
		v.Latitude, v.Longitude = lat, lon
		m.Venue = v
	case "sendDocument", "sendPhoto", "sendVideo":
		field := map[string]string{"sendDocument": "document", "sendPhoto": "photo", "sendVideo": "video"}[method]
		if m.File = form(field); m.File == "" {
			return nil, badRequest("there is no %s in the request", field)
		}
	}
	s.nextMsg[chatID]++
	m.ID = s.nextMsg[chatID]
	s.touch(m)
	s.messages = append(s.messages, m)
	return s.messageResult(m), nil
}

// sendFile records a document, photo or video, sent by file_id or URL or
// uploaded; an uploaded file is kept under a name given in Message.File.
func (s *Server) sendFile(method string, form func(string) string, upload func(string) (string, []byte, bool)) (any, error) {
	field := map[string]string{"sendDocument": "document", "sendPhoto": "photo", "sendVideo": "video"}[method]
	if name, data, ok := upload(field); ok {
		s.mu.Lock()
		s.nextFile++
		ref := fmt.Sprintf("upload:%d:%s", s.nextFile, name)
		s.files[ref] = data
		s.mu.Unlock()
		return s.send(method, func(k string) string {
			if k == field {
				return ref
			}
			return form(k)
		}, form("caption"), 1024, false)
	}
	return s.send(method, form, form("caption"), 1024, false)
}

func (s *Server) getFile(form func(string) string) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := form("file_id")
	content, ok := s.files[id]
	if !ok {
		return nil, badRequest("wrong file_id or the file is temporarily unavailable")
	}
	return map[string]any{"file_id": id, "file_unique_id": id, "file_size": len(content), "file_path": "documents/" + id}, nil
}

func fillText(m *Message, text, parseMode string, limit int, required bool) error {
	plain := text
	if parseMode == "HTML" {
		var err error
		if plain, m.Links, err = tghtml.Parse(text); err != nil {
			return badRequest("%v", err)
		}
	} else if parseMode != "" {
		return badRequest("unsupported parse_mode %q", parseMode)
	}
	n := tghtml.Len(strings.TrimSpace(plain))
	if required && n == 0 {
		return badRequest("message text is empty")
	}
	if n > limit {
		return badRequest("message is too long")
	}
	m.Text = plain
	return nil
}

var callbackData = regexp.MustCompile(`^[\x20-\x7e]{1,64}$`)

func parseMarkup(raw string) ([][]Button, error) {
	if raw == "" {
		return nil, nil
	}
	var markup struct {
		InlineKeyboard [][]Button `json:"inline_keyboard"`
	}
	if err := json.Unmarshal([]byte(raw), &markup); err != nil {
		return nil, badRequest("can't parse reply keyboard markup JSON object")
	}
	for _, row := range markup.InlineKeyboard {
		for _, b := range row {
			switch {
			case strings.TrimSpace(b.Text) == "":
				return nil, badRequest("text buttons are unallowed in the inline keyboard")
			case b.URL != "" && b.CallbackData != "":
				return nil, badRequest("a button must have exactly one action")
			case b.URL != "" && !strings.HasPrefix(b.URL, "https://") && !strings.HasPrefix(b.URL, "http://") && !strings.HasPrefix(b.URL, "tg://"):
				return nil, badRequest("wrong HTTP URL specified")
			case b.URL == "" && !callbackData.MatchString(b.CallbackData):
				return nil, badRequest("BUTTON_DATA_INVALID")
			}
		}
	}
	return markup.InlineKeyboard, nil
}

func (s *Server) messageResult(m *Message) map[string]any {
	return map[string]any{
		"message_id": m.ID,
		"date":       time.Now().Unix(),
		"chat":       map[string]any{"id": m.ChatID, "type": "private"},
		"from":       s.bot,
		"text":       m.Text,
	}
}

func (s *Server) find(form func(string) string, verb ...string) (*Message, error) {
	chatID, err := s.chat(form)
	if err != nil {
		return nil, err
	}
	id, _ := strconv.Atoi(form("message_id"))
	for _, m := range s.messages {
		if m.ChatID == chatID && m.ID == id && !m.Deleted {
			return m, nil
		}
	}
	if len(verb) > 0 {
		return nil, badRequest("message to %s not found", verb[0])
	}
	return nil, badRequest("message to edit not found")
}

func (s *Server) edit(form func(string) string) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, err := s.find(form)
	if err != nil {
		return nil, err
	}
	next := &Message{}
	if err := fillText(next, form("text"), form("parse_mode"), 4096, true); err != nil {
		return nil, err
	}
	buttons, err := parseMarkup(form("reply_markup"))
	if err != nil {
		return nil, err
	}
	if form("text") == m.HTML && equalButtons(buttons, m.Buttons) {
		return nil, badRequest("message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message")
	}
	m.HTML, m.Text, m.Links, m.Buttons, m.Edited = form("text"), next.Text, next.Links, buttons, true
	s.touch(m)
	return s.messageResult(m), nil
}

func (s *Server) editCaption(form func(string) string) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, err := s.find(form)
	if err != nil {
		return nil, err
	}
	if m.File == "" {
		return nil, badRequest("there is no caption in the message to edit")
	}
	next := &Message{}
	if err := fillText(next, form("caption"), form("parse_mode"), 1024, false); err != nil {
		return nil, err
	}
	if form("caption") == m.HTML {
		return nil, badRequest("message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message")
	}
	m.HTML, m.Text, m.Links, m.Edited = form("caption"), next.Text, next.Links, true
	s.touch(m)
	return s.messageResult(m), nil
}

func (s *Server) editMarkup(form func(string) string) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, err := s.find(form)
	if err != nil {
		return nil, err
	}
	buttons, err := parseMarkup(form("reply_markup"))
	if err != nil {
		return nil, err
	}
	m.Buttons, m.Edited = buttons, true
	s.touch(m)
	return s.messageResult(m), nil
}

func equalButtons(a, b [][]Button) bool {
	return slices.EqualFunc(a, b, func(x, y []Button) bool { return slices.Equal(x, y) })
}

func (s *Server) delete(form func(string) string) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, err := s.find(form, "delete")
	if err != nil {
		return nil, err
	}
	m.Deleted = true
	s.touch(m)
	return true, nil
}

func (s *Server) answer(form func(string) string) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.callbacks[form("callback_query_id")]
	if !ok || c.Answered {
		return nil, badRequest("query is too old and response timeout expired or query ID is invalid")
	}
	if tghtml.Len(form("text")) > 200 {
		return nil, badRequest("text is too long")
	}
	c.Answered, c.Text, c.Alert = true, form("text"), form("show_alert") == "true"
	return true, nil
}

var (
	commandName = regexp.MustCompile(`^[a-z0-9_]{1,32}$`)
	langCode    = regexp.MustCompile(`^[a-z]{2}$`)
)

func (s *Server) setCommands(form func(string) string) (any, error) {
	var cmds []map[string]string
	if err := json.Unmarshal([]byte(form("commands")), &cmds); err != nil || len(cmds) > 100 {
		return nil, badRequest("can't parse commands")
	}
	for _, c := range cmds {
		if !commandName.MatchString(c["command"]) {
			return nil, badRequest("BOT_COMMAND_INVALID")
		}
		if n := tghtml.Len(c["description"]); n < 1 || n > 256 {
			return nil, badRequest("BOT_COMMAND_DESCRIPTION_INVALID")
		}
	}
	lang := form("language_code")
	if lang != "" && !langCode.MatchString(lang) {
		return nil, badRequest("LANG_CODE_INVALID")
	}
	scope := "default"
	if raw := form("scope"); raw != "" {
		var sc struct {
			Type   string `json:"type"`
			ChatID int64  `json:"chat_id"`
		}
		if err := json.Unmarshal([]byte(raw), &sc); err != nil {
			return nil, badRequest("can't parse scope")
		}
		scope = sc.Type
		if sc.Type == "chat" {
			scope = "chat:" + strconv.FormatInt(sc.ChatID, 10)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.commands[scope+"/"+lang] = cmds
	return true, nil
}

func (s *Server) setText(method string, form func(string) string, field string, limit int) (any, error) {
	if tghtml.Len(form(field)) > limit {
		return nil, badRequest("%s is too long", field)
	}
	lang := form("language_code")
	if lang != "" && !langCode.MatchString(lang) {
		return nil, badRequest("LANG_CODE_INVALID")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.texts[method+"/"+lang] = form(field)
	return true, nil
}
