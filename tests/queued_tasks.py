"""Run, in this process, the tasks published to the test settings' in-memory broker, as a
worker would: the tests that do not start a worker see what a task does."""

from queue import Empty

from interim.celery import app


def run_queued_tasks(queue_name="celery"):
    """Take every message waiting on the queue and run its task here; return their names."""
    ran = []
    with app.connection_for_read() as connection:
        queue = connection.SimpleQueue(queue_name)
        try:
            while True:
                try:
                    message = queue.get(block=False)
                except Empty:
                    break
                args, kwargs, _ = message.decode()
                name = message.headers["task"]
                message.ack()
                app.tasks[name].apply(args=args, kwargs=kwargs, throw=True)
                ran.append(name)
        finally:
            queue.close()
    return ran


def drop_queued_tasks(queue_name="celery"):
    """Forget what earlier tests published and nobody ran."""
    with app.connection_for_write() as connection:
        queue = connection.SimpleQueue(queue_name)
        try:
            queue.clear()
        finally:
            queue.close()
