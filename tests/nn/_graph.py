"""Counting what an autograd graph holds, for the checkpointing tests."""


def recomputed_nodes(output):
    """Checkpointed chunks in ``output``'s graph (nodes of ``nn._recompute._Recomputed``)."""
    seen, stack, count = set(), [output.grad_fn], 0
    while stack:
        node = stack.pop()
        if node is None or node in seen:
            continue
        seen.add(node)
        count += "_Recomputed" in type(node).__name__
        stack.extend(next_node for next_node, _ in node.next_functions)
    return count
