"""openstacksdk's side of the backup part (bench/backup.ts), as alice: a snapshot of an attached volume,
then its deletion, each timed from its first call to its last answer. Nothing is left behind by a
successful run: the snapshot made is the one deleted; bench/backup.ts sweeps what a failed run left by
its name.

  sdk_backup.py <volume id> <name> <metadata as JSON>
      conn.block_storage.create_snapshot(volume_id=..., name=..., force=True, metadata=...) then
      conn.block_storage.wait_for_status(snapshot, "available", failures=["error"], interval=0.2).
      Not conn.create_volume_snapshot(volume_id, force=True, wait=True): it takes only a name and a
      description (no metadata, so the snapshot could not carry Enamel's marks as the other sides' do),
      and its wait polls every 2 s with no way to say otherwise, so the figure would be its poll interval
      more than its work. The proxy calls are what create_volume_snapshot itself makes, with the
      metadata, and the wait polls every 0.2 s as Enamel's and the floor's do.
      Then conn.block_storage.delete_snapshot(snapshot) and
      conn.block_storage.wait_for_delete(snapshot, interval=0.2) (again the proxy calls of
      delete_volume_snapshot(wait=True), polled as the other sides poll). Prints {"seconds",
      "delete_seconds", "snapshot_id"}.

Run with Debian's /usr/bin/python3 (python3-openstacksdk)."""
import json
import sys
import time

import openstack

volume_id, name, metadata = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
conn = openstack.connect(cloud="alice")
conn.authorize()  # the token is had before the clock starts, as for the other sides
conn.block_storage.get_endpoint()  # and the block-storage endpoint, as a client that has run a while has it

started = time.monotonic()
snapshot = conn.block_storage.create_snapshot(volume_id=volume_id, name=name, force=True, metadata=metadata)
conn.block_storage.wait_for_status(snapshot, "available", failures=["error"], interval=0.2, wait=300)
seconds = time.monotonic() - started

deleting = time.monotonic()
conn.block_storage.delete_snapshot(snapshot)
conn.block_storage.wait_for_delete(snapshot, interval=0.2, wait=300)
delete_seconds = time.monotonic() - deleting
print(json.dumps({"seconds": seconds, "delete_seconds": delete_seconds, "snapshot_id": snapshot.id}))
