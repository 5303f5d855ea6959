"""Configuration read from environment variables, failing loudly on bad values.

Every setting the project reads from the environment goes through these helpers, so a typo such
as ``HIU_DEBUG=flase`` stops the program with a message naming the variable instead of silently
meaning something else. The variables are documented in ``docs/configuration.md``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off"})


class ConfigurationError(RuntimeError):
    """A configuration value is missing or malformed. The message names the variable."""


def env_str(name: str, default: str, environ: Mapping[str, str] | None = None) -> str:
    env = os.environ if environ is None else environ
    value = env.get(name)
    if value is None:
        return default
    value = value.strip()
    if not value:
        raise ConfigurationError(f"{name} is set but empty; unset it to use the default.")
    return value


def env_bool(name: str, default: bool, environ: Mapping[str, str] | None = None) -> bool:
    env = os.environ if environ is None else environ
    value = env.get(name)
    if value is None:
        return default
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ConfigurationError(
        f"{name} must be one of {sorted(TRUE_WORDS | FALSE_WORDS)}, not {value!r}."
    )


def env_int(
    name: str,
    default: int,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
    environ: Mapping[str, str] | None = None,
) -> int:
    env = os.environ if environ is None else environ
    value = env.get(name)
    if value is None:
        return default
    try:
        number = int(value.strip())
    except ValueError:
        raise ConfigurationError(f"{name} must be a whole number, not {value!r}.") from None
    if minimum is not None and number < minimum:
        raise ConfigurationError(f"{name} must be at least {minimum}, not {number}.")
    if maximum is not None and number > maximum:
        raise ConfigurationError(f"{name} must be at most {maximum}, not {number}.")
    return number


def env_list(name: str, default: list[str], environ: Mapping[str, str] | None = None) -> list[str]:
    env = os.environ if environ is None else environ
    value = env.get(name)
    if value is None:
        return list(default)
    items = [item.strip() for item in value.split(",")]
    if not all(items):
        raise ConfigurationError(f"{name} must be a comma-separated list with no empty items.")
    return items


def data_dir(environ: Mapping[str, str] | None = None) -> Path:
    """Where the activity store and generated files live: ``HIU_DATA_DIR``, default ``var/``.

    Relative paths are taken from the current directory, as a shell user would expect. The
    directory is created when missing; a path that exists but is not a directory is an error.
    """
    path = Path(env_str("HIU_DATA_DIR", "var", environ)).expanduser().resolve()
    if path.exists() and not path.is_dir():
        raise ConfigurationError(f"HIU_DATA_DIR points at {path}, which is not a directory.")
    path.mkdir(parents=True, exist_ok=True)
    return path


#: A pseudonymisation key shorter than this is refused: it must resist guessing, because the
#: NHS numbers it hides are a small, structured space (a billion numbers at most).
PSEUDONYM_KEY_MINIMUM = 32


def pseudonym_key(environ: Mapping[str, str] | None = None) -> bytes:
    """The key for pseudonyms (``HIU_PSEUDONYM_KEY``): required, with no default, when a list
    is pseudonymised.

    The same key gives the same pseudonym for a person in every list, so lists can be compared;
    without the key nobody can go from a pseudonym back to an NHS number by trying them all.
    """
    env = os.environ if environ is None else environ
    value = env.get("HIU_PSEUDONYM_KEY")
    if value is None or not value.strip():
        raise ConfigurationError(
            "HIU_PSEUDONYM_KEY is not set: pseudonymised lists need a secret key of at least "
            f"{PSEUDONYM_KEY_MINIMUM} characters, kept in your secret store and the same for "
            "every list you want to compare."
        )
    if len(value.strip()) < PSEUDONYM_KEY_MINIMUM:
        raise ConfigurationError(
            f"HIU_PSEUDONYM_KEY must be at least {PSEUDONYM_KEY_MINIMUM} characters long."
        )
    return value.strip().encode("utf-8")


def email_settings(environ: Mapping[str, str] | None = None) -> dict[str, object]:
    """Django's email settings from ``HIU_EMAIL_*`` (docs/configuration.md), and the site's own
    address for links in emails (``HIU_SITE_URL``).

    Without ``HIU_EMAIL_HOST`` no email is sent (Django's dummy backend): notifications stay in
    the app. A value that cannot work (a port out of range, TLS and SSL both on, a user with no
    password, a sender without an @, a site URL that is not http(s)) stops start-up naming it.
    """
    host = env_str("HIU_EMAIL_HOST", "", environ)
    use_tls = env_bool("HIU_EMAIL_TLS", False, environ)
    use_ssl = env_bool("HIU_EMAIL_SSL", False, environ)
    if use_tls and use_ssl:
        raise ConfigurationError(
            "HIU_EMAIL_TLS and HIU_EMAIL_SSL cannot both be on: choose STARTTLS (TLS, port 587) "
            "or implicit TLS (SSL, port 465)."
        )
    default_port = 465 if use_ssl else 587 if use_tls else 25
    port = env_int("HIU_EMAIL_PORT", default_port, minimum=1, maximum=65535, environ=environ)
    user = env_str("HIU_EMAIL_USER", "", environ)
    password = env_str("HIU_EMAIL_PASSWORD", "", environ)
    if bool(user) != bool(password):
        raise ConfigurationError("HIU_EMAIL_USER and HIU_EMAIL_PASSWORD must be set together.")
    sender = env_str("HIU_EMAIL_FROM", "hiu@localhost", environ)
    if "@" not in sender:
        raise ConfigurationError(f"HIU_EMAIL_FROM must be an email address, not {sender!r}.")
    site = env_str("HIU_SITE_URL", "http://127.0.0.1:8000", environ)
    if not site.startswith(("http://", "https://")):
        raise ConfigurationError(f"HIU_SITE_URL must start with http:// or https://, not {site!r}.")
    return {
        "EMAIL_BACKEND": (
            "django.core.mail.backends.smtp.EmailBackend"
            if host
            else "django.core.mail.backends.dummy.EmailBackend"
        ),
        "EMAIL_HOST": host or "localhost",
        "EMAIL_PORT": port,
        "EMAIL_HOST_USER": user,
        "EMAIL_HOST_PASSWORD": password,
        "EMAIL_USE_TLS": use_tls,
        "EMAIL_USE_SSL": use_ssl,
        "EMAIL_TIMEOUT": 10,
        "DEFAULT_FROM_EMAIL": sender,
        "HIU_EMAIL_ENABLED": bool(host),
        "HIU_SITE_URL": site,
    }
