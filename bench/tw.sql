-- The Taskwarrior peer's data: the same items as the itsm database it
-- reads, one JSON task per line for `task import`.  Open tickets are
-- pending tasks, the others completed (cancelled ones deleted); the
-- group is the project, the priority H, M or L, the summary the
-- description, the opening the entry date.
-- (json_patch over {} drops the members that are null.)
SELECT json_patch('{}', json_object(
  'uuid', printf('%08x-0000-4000-8000-%012x', id, id),
  'description', summary || ' (' || caller || ')',
  'status', CASE WHEN status IN ('new', 'in_progress', 'on_hold')
    THEN 'pending' WHEN status = 'cancelled' THEN 'deleted'
    ELSE 'completed' END,
  'entry', strftime('%Y%m%dT%H%M%SZ', opened_at, 'unixepoch'),
  'modified', strftime('%Y%m%dT%H%M%SZ', updated_at, 'unixepoch'),
  'end', CASE WHEN status NOT IN ('new', 'in_progress', 'on_hold')
    THEN strftime('%Y%m%dT%H%M%SZ', updated_at, 'unixepoch') END,
  'project', group_name,
  'priority', CASE WHEN priority IN ('P1', 'P2') THEN 'H'
    WHEN priority = 'P3' THEN 'M' WHEN priority IS NOT NULL THEN 'L' END))
FROM tickets ORDER BY id;
