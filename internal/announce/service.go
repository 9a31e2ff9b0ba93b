package announce

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/delegatedesk/delegatedesk/internal/l10n"
	"github.com/delegatedesk/delegatedesk/internal/store"
)

// Store is what announcements need of the database.
type Store interface {
	Audience(ctx context.Context, eventID int64) ([]store.Participant, error)
	Staff(ctx context.Context) ([]store.StaffMember, error)
	Announcement(ctx context.Context, id int64) (store.Announcement, error)
	SaveAnnouncement(ctx context.Context, a store.Announcement) (int64, error)
	MoveAnnouncement(ctx context.Context, id int64, from []string, to string, fields map[string]any) (bool, error)
	Enqueue(ctx context.Context, msgs []store.Outgoing) (int, error)
	Counts(ctx context.Context, job string) (store.JobCounts, error)
	ControlAnnouncement(ctx context.Context, id int64, from []string, to string, fields map[string]any, job, op string) (bool, error)
	Withdraw(ctx context.Context, id int64, from []string, job, delJob string, at time.Time) (int, bool, error)
	Correct(ctx context.Context, id int64, from []string, job, fixJob string, v store.Version) (int, error)
	FollowUp(ctx context.Context, job, newJob, op, variant, html string) (int, error)
}

// Options configure a Service.
type Options struct {
	// Sender is the outbox the service fills ("telegram").
	Sender string
	// Admins are the admins named in the configuration, beyond the staff
	// table.
	Admins []int64
	// DefaultLanguage is the language of a delegate whose Telegram
	// language is not supported.
	DefaultLanguage string
	// Rate is the messages a second the dispatcher sends in bulk, for the
	// time left before anything was sent.
	Rate float64
	// Wake tells the dispatcher that messages are waiting.
	Wake func()
	Now  func() time.Time
}

// Service queues, starts, follows and amends announcements.
type Service struct {
	store Store
	opt   Options
}

// New returns a Service over st.
func New(st Store, opt Options) *Service {
	if opt.Sender == "" {
		opt.Sender = "telegram"
	}
	if opt.Wake == nil {
		opt.Wake = func() {}
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Rate <= 0 {
		opt.Rate = 20
	}
	return &Service{store: st, opt: opt}
}

// Outbox jobs of an announcement: "<sender>:ann:<id>" sends it,
// "<sender>:fix:<id>:#<n>" is its n-th correction, "<sender>:del:<id>" its
// withdrawal.
const (
	JobSend     = "ann"
	JobCorrect  = "fix"
	JobWithdraw = "del"
)

// Job names the outbox job that sends an announcement.
func (s *Service) Job(id int64) string { return fmt.Sprintf("%s:%s:%d", s.opt.Sender, JobSend, id) }

func (s *Service) withdrawal(id int64) string {
	return fmt.Sprintf("%s:%s:%d", s.opt.Sender, JobWithdraw, id)
}

// ParseJob returns the kind and announcement of an outbox job, if it is
// one of an announcement's.
func ParseJob(job string) (kind string, id int64, ok bool) {
	parts := strings.Split(job, ":")
	if len(parts) < 3 || !slices.Contains([]string{JobSend, JobCorrect, JobWithdraw}, parts[1]) {
		return "", 0, false
	}
	id, err := strconv.ParseInt(parts[2], 10, 64)
	return parts[1], id, err == nil
}

// LangOf is the language a participant reads: their choice, else their
// Telegram app's.
func (s *Service) LangOf(p store.Participant) string {
	return l10n.Resolve(p.Language, p.TelegramLanguage, s.opt.DefaultLanguage)
}

// Recipients returns who an audience of an event is, blocked chats left
// out.
func (s *Service) Recipients(ctx context.Context, eventID int64, aud Audience) ([]store.Participant, error) {
	all, err := s.store.Audience(ctx, eventID)
	if err != nil {
		return nil, err
	}
	var roles map[int64]store.Role
	if aud.Kind == ByRole {
		staff, err := s.store.Staff(ctx)
		if err != nil {
			return nil, err
		}
		roles = map[int64]store.Role{}
		for _, m := range staff {
			roles[m.UserID] = m.Role
		}
		for _, id := range s.opt.Admins {
			roles[id] = store.RoleAdmin
		}
	}
	out := all[:0]
	for _, p := range all {
		var in bool
		switch aud.Kind {
		case All, "":
			in = true
		case ByLang:
			in = s.LangOf(p) == aud.Value
		case ByCountry:
			in = p.Country == aud.Value
		case ByGroup:
			in = strings.EqualFold(p.Group, aud.Value)
		case ByRole:
			role, staff := roles[p.UserID]
			in = aud.Value == RoleDelegate && !staff ||
				aud.Value == RoleOrganiser && staff ||
				aud.Value == RoleAdmin && role == store.RoleAdmin
		}
		if in {
			out = append(out, p)
		}
	}
	return out, nil
}

// Readers counts, for each version, how many of an audience read it.
func (s *Service) Readers(ctx context.Context, a store.Announcement) (map[string]int, int, error) {
	aud, err := ParseAudience(a.Audience)
	if err != nil {
		return nil, 0, err
	}
	ps, err := s.Recipients(ctx, a.EventID, aud)
	if err != nil {
		return nil, 0, err
	}
	n := map[string]int{}
	for _, p := range ps {
		n[Pick(a.Versions, s.LangOf(p)).Lang]++
	}
	return n, len(ps), nil
}

// ErrNoText is an announcement without a text to send.
var ErrNoText = errors.New("announce: no text")

// Problems checks everything Telegram would refuse in an announcement.
func Problems(a store.Announcement) ([]Problem, error) {
	if _, err := ParseAudience(a.Audience); err != nil {
		return nil, err
	}
	if len(a.Versions) == 0 {
		return nil, ErrNoText
	}
	var out []Problem
	for _, v := range a.Versions {
		if p := Check(v, a.MediaKind != ""); p != nil {
			out = append(out, *p)
		}
	}
	return out, nil
}

// ErrInvalid is an announcement Telegram would refuse.
var ErrInvalid = errors.New("announce: invalid announcement")

// Queue adds an announcement written by a script, ready to go at SendAt,
// and returns its id.
func (s *Service) Queue(ctx context.Context, a store.Announcement) (int64, error) {
	probs, err := Problems(a)
	if err != nil {
		return 0, err
	}
	if len(probs) > 0 {
		return 0, fmt.Errorf("%w: %s", ErrInvalid, describe(probs))
	}
	a.ID, a.Sender, a.State, a.Awaiting = 0, s.opt.Sender, store.AnnQueued, ""
	id, err := s.store.SaveAnnouncement(ctx, a)
	if err != nil {
		return 0, err
	}
	s.opt.Wake()
	return id, nil
}

func describe(probs []Problem) string {
	var parts []string
	for _, p := range probs {
		switch p.Kind {
		case "html":
			parts = append(parts, fmt.Sprintf("%s: HTML: %s", p.Lang, p.Detail))
		case "long":
			parts = append(parts, fmt.Sprintf("%s: %d characters, at most %d", p.Lang, p.Length, p.Limit))
		default:
			parts = append(parts, p.Lang+": empty")
		}
	}
	return strings.Join(parts, "; ")
}

// Confirm turns a draft into an announcement that goes at its time, if it
// is still a draft and Telegram would take it; its progress shows in
// message progressMsg of reportChat.
func (s *Service) Confirm(ctx context.Context, id, reportChat int64, progressMsg int) (bool, error) {
	a, err := s.store.Announcement(ctx, id)
	if err != nil {
		return false, err
	}
	probs, err := Problems(a)
	if err != nil {
		return false, err
	}
	if len(probs) > 0 {
		return false, fmt.Errorf("%w: %s", ErrInvalid, describe(probs))
	}
	ok, err := s.store.MoveAnnouncement(ctx, id, []string{store.AnnDraft}, store.AnnQueued,
		// The progress message is set with the state, so that whoever
		// follows the announcement never finds it without one.
		map[string]any{"awaiting": "", "report_chat": reportChat, "progress_msg": progressMsg, "sender": s.opt.Sender})
	if ok {
		s.opt.Wake()
	}
	return ok, err
}

// StartDue starts those of a sender's unfinished announcements (list, from
// Store.Unfinished) that are queued and due: each recipient's copy, in
// their language, goes into the outbox. It returns the announcements it
// started.
func (s *Service) StartDue(ctx context.Context, list []store.Announcement) ([]int64, error) {
	now := s.opt.Now()
	var started []int64
	var errs []error
	for _, a := range list {
		if a.State != store.AnnQueued || a.SendAt.After(now) {
			continue
		}
		// One that cannot start does not hold up the others.
		if err := s.start(ctx, a); err != nil {
			errs = append(errs, fmt.Errorf("announce: start %d: %w", a.ID, err))
			continue
		}
		started = append(started, a.ID)
	}
	return started, errors.Join(errs...)
}

func (s *Service) start(ctx context.Context, a store.Announcement) error {
	aud, err := ParseAudience(a.Audience)
	if err != nil {
		return err
	}
	ps, err := s.Recipients(ctx, a.EventID, aud)
	if err != nil {
		return err
	}
	job := s.Job(a.ID)
	msgs := make([]store.Outgoing, len(ps))
	for i, p := range ps {
		v := Pick(a.Versions, s.LangOf(p))
		msgs[i] = store.Outgoing{Job: job, ChatID: p.ChatID, HTML: v.HTML, Variant: v.Lang, MediaKind: a.MediaKind, MediaID: a.MediaID}
	}
	// Enqueueing again after a crash adds nobody twice.
	if _, err := s.store.Enqueue(ctx, msgs); err != nil {
		return err
	}
	c, err := s.store.Counts(ctx, job)
	if err != nil {
		return err
	}
	moved, err := s.store.MoveAnnouncement(ctx, a.ID, []string{store.AnnQueued}, store.AnnSending,
		map[string]any{"recipients": c.Total(), "started_at": s.opt.Now()})
	if err != nil {
		return err
	}
	if !moved {
		// Stopped while its copies were being written: they never go.
		_, err := s.store.ControlAnnouncement(ctx, a.ID, []string{store.AnnCancelled}, store.AnnCancelled, nil, job, store.JobCancel)
		return err
	}
	s.opt.Wake()
	return nil
}

// Status is where an announcement stands.
type Status struct {
	store.Announcement
	store.JobCounts
	// Left is the estimated time until every copy is out; zero when
	// nothing is left or the announcement is paused.
	Left time.Duration
	// Finished is set once nothing more will happen to it.
	Finished bool
}

// Status returns an announcement's figures, and records its end when the
// last copy has gone.
func (s *Service) Status(ctx context.Context, id int64) (Status, error) {
	a, err := s.store.Announcement(ctx, id)
	if err != nil {
		return Status{}, err
	}
	c, err := s.store.Counts(ctx, s.Job(id))
	if err != nil {
		return Status{}, err
	}
	st := Status{Announcement: a, JobCounts: c}
	now := s.opt.Now()
	if a.State == store.AnnSending && c.Done() {
		if _, err := s.store.MoveAnnouncement(ctx, id, []string{store.AnnSending}, store.AnnDone, map[string]any{"finished_at": now}); err != nil {
			return Status{}, err
		}
		st.State, st.FinishedAt = store.AnnDone, now
	}
	switch st.State {
	case store.AnnDone:
		st.Finished = true
	case store.AnnWithdrawn:
		// Copies in flight at the withdrawal are deleted once they are
		// out: the deletion job is brought up to date until none is left.
		if c.InFlight == 0 {
			if _, err := s.store.FollowUp(ctx, s.Job(id), s.withdrawal(id), store.OpDelete, "", ""); err != nil {
				return Status{}, err
			}
			st.Finished = true
		}
	case store.AnnCancelled:
		st.Finished = c.Pending == 0
	case store.AnnSending:
		rate := s.opt.Rate
		settled := c.Sent + c.Blocked + c.Failed
		if elapsed := now.Sub(a.StartedAt); !a.StartedAt.IsZero() && elapsed >= 5*time.Second && settled > 0 {
			rate = float64(settled) / elapsed.Seconds()
		}
		st.Left = time.Duration(float64(c.Pending) / rate * float64(time.Second)).Round(time.Second)
	}
	return st, nil
}

// Pause holds a running announcement's copies not yet sent.
func (s *Service) Pause(ctx context.Context, id int64) (bool, error) {
	return s.store.ControlAnnouncement(ctx, id, []string{store.AnnSending}, store.AnnPaused, nil, s.Job(id), store.JobHold)
}

// Resume sends a paused announcement on.
func (s *Service) Resume(ctx context.Context, id int64) (bool, error) {
	ok, err := s.store.ControlAnnouncement(ctx, id, []string{store.AnnPaused}, store.AnnSending, nil, s.Job(id), store.JobRelease)
	s.opt.Wake()
	return ok, err
}

// Cancel stops a queued, running or paused announcement: copies not yet
// sent never go.
func (s *Service) Cancel(ctx context.Context, id int64) (bool, error) {
	return s.store.ControlAnnouncement(ctx, id, []string{store.AnnQueued, store.AnnSending, store.AnnPaused}, store.AnnCancelled,
		map[string]any{"finished_at": s.opt.Now()}, s.Job(id), store.JobCancel)
}

// Correctable are the states in which an announcement may be corrected:
// some copies are out or about to go.
var Correctable = []string{store.AnnSending, store.AnnPaused, store.AnnDone, store.AnnCancelled}

// Correct gives one version of an announcement a new text: copies not yet
// sent go out with it, and every copy sent is edited. It returns how many
// copies will be edited; with copies in flight it refuses
// (store.ErrInFlight), as they would keep the old text.
func (s *Service) Correct(ctx context.Context, id int64, v store.Version) (int, error) {
	a, err := s.store.Announcement(ctx, id)
	if err != nil {
		return 0, err
	}
	if p := Check(v, a.MediaKind != ""); p != nil {
		return 0, fmt.Errorf("%w: %s", ErrInvalid, describe([]Problem{*p}))
	}
	fixJob := fmt.Sprintf("%s:%s:%d:#%d", s.opt.Sender, JobCorrect, id, a.Corrections+1)
	n, err := s.store.Correct(ctx, id, Correctable, s.Job(id), fixJob, v)
	s.opt.Wake()
	return n, err
}

// Withdraw stops an announcement and deletes every copy sent. It returns
// how many copies will be deleted, and whether it was withdrawn now.
func (s *Service) Withdraw(ctx context.Context, id int64) (int, bool, error) {
	n, ok, err := s.store.Withdraw(ctx, id, Correctable, s.Job(id), s.withdrawal(id), s.opt.Now())
	s.opt.Wake()
	return n, ok, err
}
