"""Checkout as a durable function: reserve the stock, give the customer an hour to pay, then charge.

Every side effect is a named step, so a replay returns its checkpointed result instead of running it
again; the wait suspends the execution without paying for compute; a failed charge releases the stock.
"""

from aws_durable_execution_sdk_python import DurableContext, StepError, durable_execution, durable_step
from aws_durable_execution_sdk_python.config import Duration, StepConfig
from aws_durable_execution_sdk_python.retries import RetryStrategyConfig, create_retry_strategy
from aws_durable_execution_sdk_python.types import StepContext

import shop

# Retry what can succeed later (a busy payment service), never what cannot (a declined card).
CHARGE = StepConfig(retry_strategy=create_retry_strategy(
    RetryStrategyConfig(max_attempts=5, retryable_error_types=[shop.PaymentServiceBusy])
))


@durable_step
def reserve_stock(step_context: StepContext, order_id: str, items: list) -> str:
    return shop.reserve(order_id, items)


@durable_step
def charge_card(step_context: StepContext, order_id: str, card: str, amount_cents: int) -> str:
    return shop.charge(order_id, card, amount_cents)


@durable_step
def release_stock(step_context: StepContext, reservation: str) -> None:
    shop.release(reservation)


@durable_execution
def handler(event: dict, context: DurableContext) -> dict:
    order_id = event["order_id"]
    reservation = context.step(reserve_stock(order_id, event["items"]), name="reserve-stock")
    context.wait(Duration.from_hours(1), name="payment-window")
    try:
        charge_id = context.step(charge_card(order_id, event["card"], event["amount_cents"]), name="charge",
                                 config=CHARGE)
    except StepError as error:
        context.step(release_stock(reservation), name="release-stock")
        return {"order_id": order_id, "status": "cancelled", "reason": str(error)}
    return {"order_id": order_id, "status": "confirmed", "reservation": reservation, "charge_id": charge_id}
