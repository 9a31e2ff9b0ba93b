package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Role is what a member of staff may do.
type Role string

// Roles.
const (
	RoleAdmin     Role = "admin"
	RoleOrganiser Role = "organiser"
)

// StaffMember is a person with a role, granted by an admin.
type StaffMember struct {
	UserID    int64
	Role      Role
	GrantedBy int64
	GrantedAt time.Time
}

type staffRow struct {
	UserID    int64 `gorm:"primaryKey;autoIncrement:false"`
	Role      string
	GrantedBy int64
	CreatedAt time.Time
}

func (staffRow) TableName() string { return "staff_members" }

// Role returns the role granted to a user, or "" for none.
func (s *Store) Role(ctx context.Context, userID int64) (Role, error) {
	var r staffRow
	err := s.db.WithContext(ctx).Take(&r, "user_id = ?", userID).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("store: role of %d: %w", userID, err)
	}
	return Role(r.Role), nil
}

// Grant gives a user a role, replacing any other.
func (s *Store) Grant(ctx context.Context, userID int64, role Role, by int64) error {
	r := staffRow{UserID: userID, Role: string(role), GrantedBy: by, CreatedAt: s.now().UTC()}
	err := s.db.WithContext(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "user_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"role", "granted_by", "created_at"}),
	}).Create(&r).Error
	if err != nil {
		return fmt.Errorf("store: grant %s to %d: %w", role, userID, err)
	}
	return nil
}

// Revoke takes a user's role away; it reports whether they had one.
func (s *Store) Revoke(ctx context.Context, userID int64) (bool, error) {
	res := s.db.WithContext(ctx).Delete(&staffRow{}, "user_id = ?", userID)
	if res.Error != nil {
		return false, fmt.Errorf("store: revoke %d: %w", userID, res.Error)
	}
	return res.RowsAffected > 0, nil
}

// Staff lists everyone with a granted role, admins first.
func (s *Store) Staff(ctx context.Context) ([]StaffMember, error) {
	var rows []staffRow
	if err := s.db.WithContext(ctx).Order("role, user_id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("store: staff: %w", err)
	}
	out := make([]StaffMember, len(rows))
	for i, r := range rows {
		out[i] = StaffMember{UserID: r.UserID, Role: Role(r.Role), GrantedBy: r.GrantedBy, GrantedAt: r.CreatedAt}
	}
	return out, nil
}
