"""Thresholds in force: shipped defaults, then DATA_DIR/rules.toml, then --config FILE.

Each file is TOML with one table per rule id holding only the keys it changes::

    [EXEC_LAG]
    max_gap_points = 20.0

An unknown rule or parameter, or a value of the wrong kind, is an error that names it and
the file: a typo must never silently leave the default in force.
"""
from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any

from budgetwatch.queries.rules.base import Param, Rule, RuleError
from budgetwatch.queries.rules.registry import RULES
from budgetwatch.queries.store import resolve_data_dir

DEFAULTS_FILE = Path(str(files("budgetwatch.queries.rules") / "defaults.toml"))
DATA_DIR_FILE = "rules.toml"
DEFAULT_SOURCE = "default"


class ConfigError(RuleError):
    """A thresholds file could not be used; the message names the file and the key."""


@dataclass(frozen=True)
class Setting:
    rule: str
    name: str
    value: Any
    default: Any
    source: str          # "default", or the file that set it
    help_cn: str
    help_en: str
    kind: str


@dataclass
class Thresholds:
    settings: dict[str, dict[str, Setting]]
    files: list[str] = field(default_factory=list)   # files read, in order

    @property
    def values(self) -> dict[str, dict[str, Any]]:
        """rule id -> {parameter: value}, what ``compute_flags(thresholds=...)`` takes."""
        return {rule: {n: s.value for n, s in params.items()}
                for rule, params in self.settings.items()}

    def value(self, rule: str, name: str) -> Any:
        return self.settings[rule][name].value

    def enabled(self, rule: str) -> bool:
        return bool(self.value(rule, "enabled"))

    def rows(self) -> list[dict[str, Any]]:
        """One dict per rule and parameter (for tables and the dashboard)."""
        return [{"rule": s.rule, "param": s.name, "value": s.value, "default": s.default,
                 "source": s.source, "help_cn": s.help_cn, "help_en": s.help_en}
                for params in self.settings.values() for s in params.values()]


def _check_value(rule: Rule, param: Param, value: Any, where: str) -> Any:
    """The value in the parameter's kind, or a ConfigError naming it."""
    key = f"[{rule.id}] {param.name}"

    def bad(expect_cn: str, expect_en: str) -> ConfigError:
        return ConfigError(f"{where}：{key} 应为{expect_cn}，而不是 {value!r} / "
                           f"{where}: {key} must be {expect_en}, not {value!r}")

    if param.kind == "bool":
        if not isinstance(value, bool):
            raise bad("true 或 false", "true or false")
        return value
    if param.kind == "codes":
        if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip()
                                                               for v in value):
            raise bad("非空的编码文本列表，如 [\"30217\"]", "a non-empty list of code texts, e.g. [\"30217\"]")
        return [v.strip() for v in value]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
        raise bad("数字", "a number")
    if value < 0:
        raise bad("不小于 0 的数", "a number not below 0")
    if param.kind == "int":
        if isinstance(value, float):
            if not value.is_integer():
                raise bad("整数", "a whole number")
            value = int(value)
        return value
    return float(value) if isinstance(value, float) else value


def read_file(path: str | os.PathLike) -> dict[str, Any]:
    path = Path(path)
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"找不到阈值配置文件：{path} / thresholds file not found: {path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"阈值配置文件格式错误：{path}：{exc} / "
                          f"the thresholds file is not valid TOML: {path}: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"无法读取阈值配置文件：{path}：{exc} / cannot read {path}: {exc}") from None


def apply(settings: dict[str, dict[str, Setting]], content: Mapping[str, Any], source: str,
          rules: Sequence[Rule]) -> None:
    """Apply one file's content over ``settings``; unknown names are errors."""
    by_id = {r.id: r for r in rules}
    for rule_id, table in content.items():
        rule = by_id.get(rule_id)
        if rule is None:
            raise ConfigError(f"{source}：没有名为 [{rule_id}] 的规则 / {source}: no rule named "
                              f"[{rule_id}] (known: {', '.join(by_id)})")
        if not isinstance(table, Mapping):
            raise ConfigError(f"{source}：[{rule_id}] 应为一个表 / {source}: [{rule_id}] must be a "
                              f"table of parameters")
        known = {p.name: p for p in rule.all_params}
        for name, value in table.items():
            param = known.get(name)
            if param is None:
                raise ConfigError(f"{source}：规则 [{rule_id}] 没有参数 {name} / {source}: rule "
                                  f"[{rule_id}] has no parameter {name} "
                                  f"(known: {', '.join(known)})")
            old = settings[rule_id][name]
            settings[rule_id][name] = Setting(
                rule_id, name, _check_value(rule, param, value, source), old.default, source,
                param.help_cn, param.help_en, param.kind)


def load_thresholds(data_dir: str | os.PathLike | None = None,
                    config: str | os.PathLike | None = None,
                    rules: Sequence[Rule] | None = None) -> Thresholds:
    """The thresholds in force and where each came from.

    Order: the shipped ``defaults.toml`` (source "default"), ``DATA_DIR/rules.toml`` when it
    exists, then ``config`` (which must exist). Later files win, key by key."""
    if rules is None:
        rules = RULES
    settings = {r.id: {p.name: Setting(r.id, p.name, p.default, p.default, DEFAULT_SOURCE,
                                       p.help_cn, p.help_en, p.kind)
                       for p in r.all_params} for r in rules}
    if DEFAULTS_FILE.exists():  # the Rule objects carry the same defaults (a test keeps them equal)
        apply(settings, read_file(DEFAULTS_FILE), DEFAULT_SOURCE, rules)
    # What the shipped file says *is* the default.
    for params in settings.values():
        for name, s in params.items():
            params[name] = Setting(s.rule, s.name, s.value, s.value, s.source, s.help_cn,
                                   s.help_en, s.kind)
    files = []
    local = resolve_data_dir(data_dir) / DATA_DIR_FILE
    if local.exists():
        apply(settings, read_file(local), str(local), rules)
        files.append(str(local))
    if config is not None:
        path = Path(config).expanduser().resolve()
        apply(settings, read_file(path), str(path), rules)
        files.append(str(path))
    return Thresholds(settings, files)
