"""participation's steps on lower apps' hooks: the clock (delivery_tick) takes today's snapshot."""

from peixun.delivery import hooks as delivery_hooks


def _tick(*, now, **_kwargs) -> None:
    from peixun.participation.services import snapshot_today

    snapshot_today(now)


def register() -> None:
    delivery_hooks.clock_ticked.add(_tick, order=60, name="participation.snapshot_today")
