package orm

import (
	"slices"
	"testing"

	"github.com/pgreview/pgreview/internal/python"
)

func read(files map[string]string) *Set {
	var mods []*python.Module
	var names []string
	for p := range files {
		names = append(names, p)
	}
	slices.Sort(names)
	for _, p := range names {
		mods = append(mods, python.Parse(p, []byte(files[p])))
	}
	return Read(mods)
}

func TestDeclarativeAcrossModules(t *testing.T) {
	s := read(map[string]string{
		"app/db.py": `from sqlalchemy.orm import declarative_base
Base = declarative_base()
`,
		"app/models/__init__.py": `from app.db import Base
from .user import User
`,
		"app/models/mixins.py": `import sqlalchemy as sa
class Timestamps:
    created_at = sa.Column(sa.DateTime(timezone=True), nullable=False)
`,
		"app/models/user.py": `import sqlalchemy as sa
from sqlalchemy import Column, ForeignKey, Integer, String, Table
from sqlalchemy.orm import relationship
from app.models import Base
from .mixins import Timestamps

user_roles = Table("user_roles", Base.metadata,
    Column("user_id", ForeignKey("users.id"), nullable=False),
    Column("role", String(20)),
)

class User(Timestamps, Base):
    __tablename__ = "users"
    __table_args__ = {"schema": "auth", "comment": "People"}
    id = Column(Integer, primary_key=True)
    email = Column("email_address", String(320), nullable=False)
    orders = relationship("Order", back_populates="user")
    roles = relationship("Role", secondary=user_roles)

class Order(Base):
    __tablename__ = "orders"
    id = Column(sa.BigInteger, sa.Identity(), primary_key=True)
    user_id = Column(sa.Integer, sa.ForeignKey("auth.users.id"))
    user = relationship(User, primaryjoin="User.id == Order.user_id")

class NotAModel:
    id = Column(Integer, primary_key=True)
`,
	})
	user := s.ByClass("User")
	if user == nil || user.QualifiedTable() != "auth.users" || !user.HasPrimaryKey() || user.Line != 12 {
		t.Fatalf("User: %+v", user)
	}
	if c := user.Column("email_address"); c == nil || c.Attr != "email" || c.Nullable || c.Type != "String(320)" {
		t.Errorf("renamed column: %+v", c)
	}
	if c := user.Column("created_at"); c == nil || c.FromMixin != "Timestamps" || c.Nullable {
		t.Errorf("mixin column: %+v", c)
	}
	if c := user.Column("id"); c == nil || c.Nullable || !c.PrimaryKey {
		t.Errorf("pk column: %+v", c)
	}
	if len(user.Relationships) != 2 || user.Relationships[0].Target != "Order" || user.Relationships[1].Secondary != "user_roles" {
		t.Errorf("relationships: %+v", user.Relationships)
	}
	order := s.ByTable("public.orders")
	if order == nil || order.Class != "Order" || !slices.Equal(order.Column("user_id").ForeignKeys, []string{"auth.users.id"}) {
		t.Fatalf("Order: %+v", order)
	}
	if r := order.Relationships[0]; r.Target != "User" || !r.ExplicitJoin {
		t.Errorf("explicit join: %+v", r)
	}
	roles := s.ByTable("public.user_roles")
	if roles == nil || roles.Kind != Core || roles.Class != "user_roles" || roles.HasPrimaryKey() || len(roles.Columns) != 2 {
		t.Fatalf("core table: %+v", roles)
	}
	if len(s.Bases) != 1 || s.Bases[0].String() != "app.db:Base.metadata" {
		t.Errorf("bases: %v", s.Bases)
	}
	if s.ByClass("NotAModel") != nil {
		t.Error("a class that is not on a declarative base is not a model")
	}
}

func TestSQLModelAndInheritance(t *testing.T) {
	s := read(map[string]string{
		"models.py": `from typing import Optional, List
from datetime import datetime
from sqlmodel import SQLModel, Field, Relationship
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class HeroBase(SQLModel):
    name: str
    nickname: Optional[str] = None

class Hero(HeroBase, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    team_id: Optional[int] = Field(default=None, foreign_key="team.id")
    team: Optional["Team"] = Relationship(back_populates="heroes")
    born: datetime

class Team(SQLModel, table=True):
    id: int = Field(primary_key=True)
    heroes: List["Hero"] = Relationship(back_populates="team")

class Base(DeclarativeBase):
    pass

class Employee(Base):
    __tablename__ = "employees"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str]
    manager_id: Mapped[Optional[int]] = mapped_column()
    __mapper_args__ = {"polymorphic_on": "kind", "polymorphic_identity": "employee"}

class Engineer(Employee):
    __mapper_args__ = {"polymorphic_identity": "engineer"}
    language: Mapped[Optional[str]]

class Manager(Employee):
    __tablename__ = "managers"
    id: Mapped[int] = mapped_column(ForeignKey("employees.id"), primary_key=True)
`,
	})
	hero := s.ByClass("Hero")
	if hero == nil || hero.Kind != SQLModel || hero.QualifiedTable() != "public.hero" || !hero.HasPrimaryKey() {
		t.Fatalf("Hero: %+v", hero)
	}
	if c := hero.Column("name"); c == nil || c.Nullable || c.FromMixin != "HeroBase" {
		t.Errorf("inherited SQLModel field: %+v", c)
	}
	if c := hero.Column("nickname"); c == nil || !c.Nullable {
		t.Errorf("optional field: %+v", c)
	}
	if c := hero.Column("team_id"); c == nil || !slices.Equal(c.ForeignKeys, []string{"team.id"}) {
		t.Errorf("foreign_key field: %+v", c)
	}
	if hero.Column("team") != nil || len(hero.Relationships) != 1 || hero.Relationships[0].Target != "Team" {
		t.Errorf("relationship read as a column: %+v", hero.Relationships)
	}
	if hb := s.ByClass("HeroBase"); hb == nil || hb.OwnTable() {
		t.Errorf("a SQLModel data model maps no table: %+v", hb)
	}
	if team := s.ByClass("Team"); team.Relationships[0].Target != "Hero" {
		t.Errorf("List[\"Hero\"] target: %+v", team.Relationships[0])
	}

	emp := s.ByClass("Employee")
	if emp.PolymorphicOn != "kind" || emp.Column("kind").Nullable || !emp.Column("manager_id").Nullable {
		t.Errorf("Employee: %+v", emp)
	}
	eng := s.ByClass("Engineer")
	if eng.Parent != emp || eng.Table != "employees" || eng.OwnTable() || eng.Root() != emp {
		t.Errorf("single-table subclass: %+v", eng)
	}
	mgr := s.ByClass("Manager")
	if mgr.Parent != emp || mgr.Table != "managers" || !mgr.OwnTable() {
		t.Errorf("joined subclass: %+v", mgr)
	}
	if got := s.ByTable("public.employees"); got != emp {
		t.Errorf("ByTable prefers the owner, got %v", got.Class)
	}
}

func TestFlaskAndRelativeImports(t *testing.T) {
	s := read(map[string]string{
		"app/__init__.py": `from flask_sqlalchemy import SQLAlchemy
db = SQLAlchemy()
`,
		"app/models.py": `from . import db

class OrderLine(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    sku = db.Column(db.String(64))
`,
	})
	m := s.ByClass("OrderLine")
	if m == nil || m.Table != "order_line" || !m.HasPrimaryKey() {
		t.Fatalf("Flask model: %+v", m)
	}
}
