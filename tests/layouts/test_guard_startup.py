"""The guard's start-up work (every page rendered to learn the input rules) waits while requests are served.

Issue 17: at 30,000 units the start-up thread rendered every page in both
languages beside the first visitor's requests, and both competed for the
one interpreter. No timing here: a fake clock decides when the server has
been idle, and the test checks what was rendered while a request was open.
"""

from __future__ import annotations

import threading

from dash import dcc

from layouts import guard


class _Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _pages(rendered: list):
    def pages():
        for i in range(4):
            rendered.append(i)
            yield dcc.Dropdown(id=f"choice-{i}", options=["a", "b"], value="a")

    return pages


def _start(rules):
    thread = threading.Thread(target=rules.learn_when_idle, daemon=True)
    thread.start()
    return thread


def test_nothing_is_rendered_while_a_request_is_served_then_all_once_the_server_is_idle():
    clock, rendered = _Clock(), []
    requests = guard._Requests(clock)
    rules = guard._Rules(None, _pages(rendered), requests)
    requests.begin()  # the first visitor's page
    thread = _start(rules)
    thread.join(timeout=0.5)
    assert thread.is_alive() and rendered == []  # still waiting: the request is in progress
    requests.end()
    thread.join(timeout=0.5)
    assert thread.is_alive() and rendered == []  # it has just ended: not yet quiet for QUIET_SECONDS
    clock.now += guard.QUIET_SECONDS
    thread.join(timeout=10)
    assert not thread.is_alive() and rendered == [0, 1, 2, 3]
    assert set(rules.rules()) >= {(f"choice-{i}", "value") for i in range(4)}


def test_a_callback_request_that_needs_the_rules_has_them_made_at_once():
    clock, rendered = _Clock(), []
    requests = guard._Requests(clock)
    rules = guard._Rules(None, _pages(rendered), requests)
    requests.begin()  # a request is open and never ends during the test
    thread = _start(rules)
    learned = rules.rules()  # the callback request's own check: it does not wait for an idle server
    assert rendered == [0, 1, 2, 3] and ("choice-3", "value") in learned
    thread.join(timeout=10)
    assert not thread.is_alive() and rendered == [0, 1, 2, 3]  # made once
    learned[("choice-0", "value")]("b")  # a value among the options passes
