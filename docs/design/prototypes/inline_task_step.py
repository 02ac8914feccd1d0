import asyncio, contextvars, selectors, threading, time, sys

class NonBlockingEpoll(selectors.EpollSelector):
    def select(self, timeout=None):
        return super().select(0)

async def handler(x):
    return {"item_id": x}

async def sleeper(x):
    await asyncio.sleep(0)
    return x

def raw_send(n):
    t = time.perf_counter()
    for i in range(n):
        c = handler(i)
        try:
            c.send(None)
        except StopIteration as s:
            v = s.value
    return (time.perf_counter() - t) / n * 1e6

def inline_task(loop, n, coro_fn=handler):
    t = time.perf_counter()
    done = 0
    for i in range(n):
        task = asyncio.Task(coro_fn(i), loop=loop)
        h = loop._ready.pop()
        h._run()
        if task.done():
            task.result(); done += 1
        else:
            while not task.done():
                loop._run_once()
            task.result()
    return (time.perf_counter() - t) / n * 1e6, done

def threadsafe(n):
    loop = asyncio.new_event_loop()
    th = threading.Thread(target=loop.run_forever, daemon=True); th.start()
    t = time.perf_counter()
    for i in range(n):
        asyncio.run_coroutine_threadsafe(handler(i), loop).result()
    r = (time.perf_counter() - t) / n * 1e6
    loop.call_soon_threadsafe(loop.stop)
    return r

loop = asyncio.SelectorEventLoop(NonBlockingEpoll())
loop._check_closed(); loop._thread_id = threading.get_ident()
asyncio.events._set_running_loop(loop)
n = 100000
print(f"python {sys.version.split()[0]}")
print(f"raw coro.send: {raw_send(n):.2f} us/request")
print("inline first Task step (never suspends): %.2f us/request (%d done inline)" % inline_task(loop, n))
print("inline first step then loop (sleep(0)): %.2f us/request (%d done inline)" % inline_task(loop, n // 5, sleeper))
asyncio.events._set_running_loop(None)
print(f"run_coroutine_threadsafe round trip: {threadsafe(20000):.2f} us/request")
