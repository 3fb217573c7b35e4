# -*- coding: utf-8 -*-
"""A benchmark-only module: it receives a list of items and does nothing with them.

Timed against the floor, it shows what Ansible itself charges to deliver the same items to any
module (templating them into the task, shipping them, validating a list of dicts, returning),
before the module does any work. Never shipped: benchmarks/ stays out of the collection tarball.
"""

from ansible.module_utils.basic import AnsibleModule


def main():
    module = AnsibleModule(argument_spec={"items": {"type": "list", "elements": "dict", "required": True}},
                           supports_check_mode=True)
    module.exit_json(changed=False, received=len(module.params["items"]))


if __name__ == "__main__":
    main()
