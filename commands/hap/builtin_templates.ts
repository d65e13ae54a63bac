/**
 * The templates every portal has without a templates dir: the same text as
 * `fixtures/templates/*.yaml` (a test keeps them equal), inside the program so the single
 * executable carries them.
 *
 * @module
 */

/** File name -> YAML text of each built-in template. */
export const BUILTIN_TEMPLATES: Record<string, string> = {
  "decision_record.yaml": `# A decision and why, so those who come later know.
name: decision_record
description: record a decision, its context and its consequences
topic: /hive/tasks/decisions
fields:
  - name: title
    type: string
    required: true
    max: 120
  - name: status
    type: enum
    values: [proposed, accepted, rejected, superseded]
    default: proposed
  - name: context
    type: text
    required: true
  - name: decision
    type: text
    required: true
  - name: consequences
    type: text
  - name: reversible
    type: boolean
    default: true
`,
  "help_request.yaml": `# A call for help from a person or an agent that is stuck.
name: help_request
description: ask for help
topic: /hive/chat/general
fields:
  - name: topic
    type: string
    required: true
    max: 120
    description: what it is about
  - name: urgency
    type: enum
    values: [low, normal, high]
    default: normal
  - name: question
    type: text
    required: true
  - name: tried
    type: text
    description: what was already tried
`,
  "status_report.yaml": `# Where a piece of work stands.
name: status_report
description: report the state of a task
topic: /hive/tasks/status
fields:
  - name: task
    type: string
    required: true
    description: the task's title or id
  - name: state
    type: enum
    values: [todo, in_progress, blocked, done, failed]
    required: true
  - name: progress
    type: integer
    min: 0
    max: 100
    description: percent done
  - name: summary
    type: text
    required: true
  - name: blockers
    type: text
`,
  "task_request.yaml": `# A request for an agent or a person to do something.
name: task_request
description: ask an agent or a person to do a task
topic: /hive/tasks/requests
fields:
  - name: title
    type: string
    required: true
    max: 120
    description: what should be done, in one line
  - name: priority
    type: enum
    values: [low, normal, high, urgent]
    default: normal
  - name: assignee
    type: string
    description: agent or person id (empty for anyone)
  - name: due
    type: date
    description: YYYY-MM-DD
  - name: estimate_hours
    type: number
    min: 0
  - name: details
    type: text
`,
};
