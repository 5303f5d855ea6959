"""Notification email settings from the environment (hiu.config.email_settings): no host means
no email; values that cannot work stop start-up naming the variable."""

from __future__ import annotations

import pytest

from hiu.config import ConfigurationError, email_settings


def test_without_a_host_no_email_is_sent() -> None:
    found = email_settings({})
    assert found["EMAIL_BACKEND"] == "django.core.mail.backends.dummy.EmailBackend"
    assert found["HIU_EMAIL_ENABLED"] is False


def test_a_host_sends_through_smtp_with_the_port_tls_implies() -> None:
    found = email_settings(
        {"HIU_EMAIL_HOST": "smtp.nhs.example", "HIU_EMAIL_TLS": "true", "HIU_EMAIL_FROM": "a@b.c"}
    )
    assert found["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (found["EMAIL_HOST"], found["EMAIL_PORT"], found["EMAIL_USE_TLS"]) == (
        "smtp.nhs.example",
        587,
        True,
    )
    assert found["DEFAULT_FROM_EMAIL"] == "a@b.c"


@pytest.mark.parametrize(
    ("environ", "named"),
    [
        ({"HIU_EMAIL_PORT": "70000"}, "HIU_EMAIL_PORT"),
        ({"HIU_EMAIL_PORT": "smtp"}, "HIU_EMAIL_PORT"),
        ({"HIU_EMAIL_TLS": "yes", "HIU_EMAIL_SSL": "yes"}, "HIU_EMAIL_SSL"),
        ({"HIU_EMAIL_TLS": "perhaps"}, "HIU_EMAIL_TLS"),
        ({"HIU_EMAIL_USER": "hiu"}, "HIU_EMAIL_PASSWORD"),
        ({"HIU_EMAIL_FROM": "nobody"}, "HIU_EMAIL_FROM"),
        ({"HIU_EMAIL_HOST": " "}, "HIU_EMAIL_HOST"),
        ({"HIU_SITE_URL": "hiu.example"}, "HIU_SITE_URL"),
    ],
)
def test_bad_values_stop_start_up_naming_the_variable(environ: dict[str, str], named: str) -> None:
    with pytest.raises(ConfigurationError, match=named):
        email_settings(environ)
