"""Local users and their tokens. Passwords are stored as scrypt hashes, tokens as SHA-256 digests:
a copy of the database lets no one log in.

One token table serves both browser sessions (kind "session", carried in an HttpOnly cookie) and
API clients (kind "api", sent as a bearer token); both expire and can be revoked."""
from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from engine.errors import Conflict, NotFound, PingxuanError, ValidationFailed
from engine.people.access import ROLES, TASK_ROLES, UNIT_BOUND, Principal
from engine.storage.models import Base
from engine.timekeeping.timeutil import UTCDateTime

if TYPE_CHECKING:
    from engine.storage.db import Database

PASSWORD_METHOD = "scrypt"  # werkzeug's scrypt (n=2**15, r=8, p=1); tests may lower the cost
MIN_PASSWORD = 8
SESSION_TTL = timedelta(hours=12)
MAX_API_TTL = timedelta(days=365)
TOKEN_PREFIX = "px_"
_NAME_RE = re.compile(r"[^\s/\\]{1,100}")
_UNUSABLE = "!"  # password hash of a token-only account


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)  # login name, also the event actor
    display_name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(20))
    unit: Mapped[str | None] = mapped_column(String(200), nullable=True)
    password_hash: Mapped[str] = mapped_column(String(300))
    active: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    __table_args__ = (Index("ix_users_role_unit", "role", "unit"),)

    def principal(self) -> Principal:
        return Principal(self.id, self.name, self.role, self.unit, self.display_name)


class ApiToken(Base):
    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(10))  # session | api
    label: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    __table_args__ = (Index("ix_api_tokens_user", "user_id"),)


class AuthenticationFailed(PingxuanError):
    code = "unauthenticated"
    http_status = 401


class TokenExpired(AuthenticationFailed):
    code = "token_expired"


def digest(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def csrf_token_for(raw_session_token: str) -> str:
    """The CSRF token bound to a session: derivable only by someone who holds the session token."""
    return digest("csrf:" + raw_session_token)


def create_user(session: Session, name: str, role: str, now: datetime, unit: str | None = None,
                password: str | None = None, display_name: str | None = None) -> Principal:
    errors: dict[str, str] = {}
    if not _NAME_RE.fullmatch(name or ""):
        errors["name"] = "用户名应为 1—100 个字符，不含空白和斜杠"
    if role not in ROLES:
        errors["role"] = "角色应为以下之一：" + "、".join(f"{k}（{v}）" for k, v in ROLES.items())
    unit = (unit or "").strip() or None
    if role in UNIT_BOUND and unit is None:
        errors["unit"] = "经办人员必须绑定所属单位（推荐单位或审核、征求意见部门）"
    elif unit is not None and role in ROLES and role not in TASK_ROLES:
        errors["unit"] = f"{ROLES[role]}不绑定单位"
    elif unit is not None and len(unit) > 200:
        errors["unit"] = "单位名称不能超过 200 个字"
    if password is not None and len(password) < MIN_PASSWORD:
        errors["password"] = f"密码至少 {MIN_PASSWORD} 位"
    if errors:
        raise ValidationFailed("用户信息有误", field_errors=errors)
    if session.scalar(select(User.id).where(User.name == name)) is not None:
        raise Conflict(f"用户 {name} 已存在")
    user = User(name=name, display_name=(display_name or name)[:100], role=role, unit=unit,
                password_hash=_hash(password) if password is not None else _UNUSABLE,
                active=True, created_at=now)
    session.add(user)
    session.flush()
    return user.principal()


def set_password(session: Session, name: str, password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise ValidationFailed("密码太短", field_errors={"password": f"密码至少 {MIN_PASSWORD} 位"})
    user = session.scalar(select(User).where(User.name == name))
    if user is None:
        raise NotFound(f"用户 {name} 不存在")
    user.password_hash = _hash(password)


def authenticate(session: Session, name: str, password: str) -> Principal:
    user = session.scalar(select(User).where(User.name == name))
    stored = user.password_hash if user is not None and user.active else None
    if stored is None or stored == _UNUSABLE:
        check_password_hash(_dummy_hash(), password)  # same work whether or not the user exists
        raise AuthenticationFailed("用户名或密码错误")
    if user is None or not check_password_hash(stored, password):
        raise AuthenticationFailed("用户名或密码错误")
    return user.principal()


def issue_token(session: Session, user_id: int, now: datetime, kind: str = "api",
                ttl: timedelta = SESSION_TTL, label: str = "") -> tuple[str, ApiToken]:
    """A new random token; only its digest is stored, so the raw value is returned once."""
    if kind not in ("session", "api"):
        raise ValueError(kind)
    if ttl <= timedelta(0) or ttl > MAX_API_TTL:
        raise ValidationFailed("令牌有效期不正确", field_errors={"ttl_hours": "有效期应在 1 小时到 365 天之间"})
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user_id, kind=kind, label=label[:100], token_hash=digest(raw),
                     created_at=now, expires_at=now + ttl)
    session.add(token)
    session.flush()
    return raw, token


def verify_token(session: Session, raw: str, now: datetime, kind: str | None = None) -> tuple[Principal, ApiToken]:
    row = session.execute(
        select(ApiToken, User).join(User, User.id == ApiToken.user_id).where(ApiToken.token_hash == digest(raw))
    ).first()
    if row is None or (kind is not None and row.ApiToken.kind != kind):
        raise AuthenticationFailed("身份凭证无效，请重新登录")
    token, user = row.ApiToken, row.User
    if token.revoked_at is not None or not user.active:
        raise AuthenticationFailed("身份凭证已被注销，请重新登录")
    if token.expires_at <= now:
        raise TokenExpired("身份凭证已过期，请重新登录或申请新的访问令牌")
    return user.principal(), token


def verify(db: Database, raw: str, now: datetime, kind: str | None = None) -> tuple[Principal, int]:
    """The principal a bearer or session token stands for, and the token's id."""
    with db.transaction(write=False) as session:
        principal, token = verify_token(session, raw, now, kind)
        return principal, token.id


def revoke_token(session: Session, token_id: int, user_id: int, now: datetime) -> None:
    token = session.get(ApiToken, token_id)
    if token is None or token.user_id != user_id:
        raise NotFound("令牌不存在")
    if token.revoked_at is None:
        token.revoked_at = now


def list_tokens(session: Session, user_id: int) -> list[ApiToken]:
    return list(session.scalars(select(ApiToken).where(
        ApiToken.user_id == user_id, ApiToken.kind == "api").order_by(ApiToken.id)))


def find_user(session: Session, name: str) -> Principal | None:
    user = session.scalar(select(User).where(User.name == name, User.active.is_(True)))
    return user.principal() if user is not None else None


def users_with_role(session: Session, role: str) -> list[Principal]:
    return [u.principal() for u in session.scalars(
        select(User).where(User.role == role, User.active.is_(True)).order_by(User.name))]


def _hash(password: str) -> str:
    return generate_password_hash(password, method=PASSWORD_METHOD)


_DUMMY: dict[str, str] = {}


def _dummy_hash() -> str:
    if PASSWORD_METHOD not in _DUMMY:
        _DUMMY[PASSWORD_METHOD] = _hash(secrets.token_hex(8))
    return _DUMMY[PASSWORD_METHOD]
