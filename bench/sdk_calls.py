"""Runs inside the paradime-io SDK's own environment: N sequential run-status calls, timed.

python bench/sdk_calls.py ENDPOINT KEY SECRET RUN_ID CALLS  ->  {"seconds": ...}
"""

import json
import sys
import time

from paradime import Paradime


def main() -> None:
    endpoint, key, secret, run_id, calls = sys.argv[1:6]
    sdk = Paradime(api_endpoint=endpoint, api_key=key, api_secret=secret)
    sdk.bolt.get_run_status(int(run_id))
    start = time.perf_counter()
    for _ in range(int(calls)):
        sdk.bolt.get_run_status(int(run_id))
    print(json.dumps({"seconds": time.perf_counter() - start}))


if __name__ == "__main__":
    main()
