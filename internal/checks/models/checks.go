// Package models holds the checks of checklist area 5. Data Models & Relationships.
package models

import "github.com/pgreview/pgreview/internal/check"

// Checks lists this area's checks.
var Checks = []*check.Check{
	NoPrimaryKey,
	ModelWithoutPrimaryKey,
	FKWithoutIndex,
	FKTypeMismatch,
	RelationshipWithoutFK,
	DuplicateIndex,
	OverlappingIndex,
	InvalidIndex,
	NotValidConstraint,
	TimestampWithoutTZ,
	JSONInsteadOfJSONB,
	CharNColumn,
	MoneyType,
	IntPrimaryKey,
	VarcharNColumn,
	AllColumnsNullable,
	TableInheritance,
	ModelInheritance,
}
