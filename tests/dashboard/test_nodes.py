"""One ``Node`` for the execution and comparison pages' trees (queries/nodes.py)."""
from __future__ import annotations

from budgetwatch.queries import compare as qc
from budgetwatch.queries import execution as qe
from budgetwatch.queries import nodes


def test_both_pages_walk_the_same_node():
    assert qe.Node is qc.Node is nodes.Node
    assert qe.parse_node("dept", "001.001001") == qc.parse_node("dept", "001.001001")
    assert qe.parse_node("econ", "302").by == "func" and qc.parse_node("econ", "302").by == "econ"


def test_each_tree_has_its_depth():
    econ = qc.parse_node("econ", "302.30201")
    assert econ.is_leaf and econ.level_parent == nodes.Node("econ", ("302",))
    assert econ.child("30202") == nodes.Node("econ", ("302", "30202"))        # a leaf's sibling
    assert econ.child("30301").path == ("302",)                               # not under 302: cut
    func = qe.parse_node("func", "205.20502")
    assert not func.is_leaf and func.level_parent is func and func.up() == nodes.Node("func", ("205",))
    assert func.child("2050202").is_leaf and func.child("2050202").child("2050203").key == "205.20502.2050203"
    assert qe.parse_node("dept", "001.001001.30201.9").path == ("001", "001001", "30201")
