package localapi

import (
	"fmt"
	"strconv"
	"time"

	"encoding/json"
)

// Groups: the organisers' desk is a supergroup, perhaps a forum with a
// topic per delegate. Users write there, reply to the bot's messages and
// press its buttons; the bot copies messages between chats.

// Forum makes a group a forum: messages go to topics.
func (s *Server) Forum(chatID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.groups[chatID] = true
	s.forums[chatID] = true
}

// DeleteTopic deletes a forum topic: messages to it fail.
func (s *Server) DeleteTopic(chatID int64, thread int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.deleted[chatID] == nil {
		s.deleted[chatID] = map[int]bool{}
	}
	s.deleted[chatID][thread] = true
}

// Post is what a user sends: text, or a file or location, with a
// caption; in their private chat or in a group (Chat), perhaps in reply
// to a message or in a forum topic.
type Post struct {
	Chat     int64 // 0: the user's private chat with the bot
	Text     string
	Caption  string
	Photo    bool
	Document string // a file name
	Voice    bool
	Location *[2]float64
	ReplyTo  *Message
	Thread   int
}

// Send queues what user posts and returns the update id.
func (s *Server) Send(user User, p Post) int64 {
	s.mu.Lock()
	s.nextFile++
	file := fmt.Sprintf("AgACAgIAAxkBAAIlocalpost%04d", s.nextFile)
	s.files[file] = []byte("content of " + file)
	s.mu.Unlock()
	chat := map[string]any{"id": user.ID, "type": "private", "first_name": user.FirstName}
	if p.Chat != 0 {
		chat = s.chatObject(p.Chat)
	}
	msg := map[string]any{"chat": chat, "from": user}
	switch {
	case p.Photo:
		msg["photo"] = []map[string]any{{"file_id": file, "file_unique_id": file, "width": 90, "height": 90}}
	case p.Document != "":
		msg["document"] = map[string]any{"file_id": file, "file_unique_id": file, "file_name": p.Document}
	case p.Voice:
		msg["voice"] = map[string]any{"file_id": file, "file_unique_id": file, "duration": 3}
	case p.Location != nil:
		msg["location"] = map[string]any{"latitude": p.Location[0], "longitude": p.Location[1]}
	default:
		msg["text"] = p.Text
		if len(p.Text) > 0 && p.Text[0] == '/' {
			cmd := p.Text
			for i, r := range p.Text {
				if r == ' ' {
					cmd = p.Text[:i]
					break
				}
			}
			msg["entities"] = []map[string]any{{"type": "bot_command", "offset": 0, "length": len([]rune(cmd))}}
		}
	}
	if p.Caption != "" {
		msg["caption"] = p.Caption
	}
	if p.ReplyTo != nil {
		msg["reply_to_message"] = map[string]any{"message_id": p.ReplyTo.ID, "date": time.Now().Unix(), "text": p.ReplyTo.Text,
			"chat": s.chatObject(p.ReplyTo.ChatID), "from": s.bot}
	}
	if p.Thread != 0 {
		msg["message_thread_id"] = p.Thread
		msg["is_topic_message"] = true
	}
	return s.queueMessage(user, msg)
}

// MigrateGroup turns a group into a supergroup as Telegram does: the old
// chat answers 400 with migrate_to_chat_id, and the bot is told in both.
func (s *Server) MigrateGroup(group, to int64) {
	s.Migrate(group, to)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextMsg[group]++
	s.queueLocked(map[string]any{"message": map[string]any{"message_id": s.nextMsg[group], "date": time.Now().Unix(),
		"chat": map[string]any{"id": group, "type": "group", "title": "Organisers"}, "migrate_to_chat_id": to}})
}

func (s *Server) chatObject(id int64) map[string]any {
	if id > 0 {
		return map[string]any{"id": id, "type": "private"}
	}
	return map[string]any{"id": id, "type": "supergroup", "title": "Organisers", "is_forum": s.forums[id]}
}

// thread checks the topic a message goes to: only forums have them.
func (s *Server) thread(chatID int64, form func(string) string) (int, error) {
	raw := form("message_thread_id")
	if raw == "" || raw == "0" {
		return 0, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || !s.forums[chatID] || n > s.topics[chatID] || s.deleted[chatID][n] {
		return 0, badRequest("message thread not found")
	}
	return n, nil
}

func replyTarget(form func(string) string) int {
	var rp struct {
		MessageID int `json:"message_id"`
	}
	json.Unmarshal([]byte(form("reply_parameters")), &rp)
	return rp.MessageID
}

func (s *Server) copyMessage(form func(string) string) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	chatID, err := s.chat(form)
	if err != nil {
		return nil, err
	}
	from, _ := strconv.ParseInt(form("from_chat_id"), 10, 64)
	id, _ := strconv.ParseInt(form("message_id"), 10, 64)
	var m *Message
	if src, ok := s.incoming[[2]int64{from, id}]; ok {
		m = copyOf(src)
	} else {
		for _, bm := range s.messages {
			if bm.ChatID == from && bm.ID == int(id) && !bm.Deleted {
				c := *bm
				m = &c
			}
		}
	}
	if m == nil {
		return nil, badRequest("message to copy not found")
	}
	m.ChatID, m.Method, m.Edited, m.Buttons = chatID, "copyMessage", false, nil
	if m.Thread, err = s.thread(chatID, form); err != nil {
		return nil, err
	}
	m.ReplyTo = replyTarget(form)
	if caption := form("caption"); caption != "" {
		if m.File == "" && m.Venue == nil {
			return nil, badRequest("a text message has no caption")
		}
		next := &Message{}
		if err := fillText(next, caption, form("parse_mode"), 1024, false); err != nil {
			return nil, err
		}
		m.HTML, m.Text, m.Links = caption, next.Text, next.Links
	}
	s.nextMsg[chatID]++
	m.ID = s.nextMsg[chatID]
	s.touch(m)
	s.messages = append(s.messages, m)
	return map[string]any{"message_id": m.ID}, nil
}

// copyOf renders what a user sent as the message a copy of it is.
func copyOf(src map[string]any) *Message {
	m := &Message{}
	if t, ok := src["text"].(string); ok {
		m.Text, m.HTML = t, t
	}
	if c, ok := src["caption"].(string); ok {
		m.Text, m.HTML = c, c
	}
	for _, kind := range []string{"document", "voice"} {
		if f, ok := src[kind].(map[string]any); ok {
			m.File = f["file_id"].(string)
		}
	}
	if ph, ok := src["photo"].([]map[string]any); ok && len(ph) > 0 {
		m.File = ph[len(ph)-1]["file_id"].(string)
	}
	if loc, ok := src["location"].(map[string]any); ok {
		m.Venue = &Venue{Latitude: loc["latitude"].(float64), Longitude: loc["longitude"].(float64)}
	}
	return m
}

func (s *Server) createTopic(form func(string) string) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	chatID, err := s.chat(form)
	if err != nil {
		return nil, err
	}
	if !s.forums[chatID] {
		return nil, badRequest("the chat is not a forum")
	}
	if n := len([]rune(form("name"))); n < 1 || n > 128 {
		return nil, badRequest("topic name must be 1-128 characters")
	}
	s.topics[chatID]++
	return map[string]any{"message_thread_id": s.topics[chatID], "name": form("name"), "icon_color": 7322096}, nil
}

func (s *Server) getChat(form func(string) string) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	chatID, err := s.chat(form)
	if err != nil {
		return nil, err
	}
	c := s.chatObject(chatID)
	c["accent_color_id"] = 0
	c["max_reaction_count"] = 11
	return c, nil
}
