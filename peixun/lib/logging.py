"""Logging filter that keeps ID numbers out of every log line.

An 18-character resident ID (17 digits and a digit or X) is replaced by its masked form before a
record is formatted, whatever logger wrote it.
"""

import logging
import re

ID_PATTERN = re.compile(r"(?<![0-9])([1-9][0-9]{3})[0-9]{10}([0-9]{3}[0-9Xx])(?![0-9])")


def mask_id_numbers(text: str) -> str:
    return ID_PATTERN.sub(lambda m: f"{m.group(1)}{'*' * 10}{m.group(2)}", text)


class MaskIdNumbersFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_id_numbers(message)
        if masked != message:
            record.msg = masked
            record.args = None
        return True
