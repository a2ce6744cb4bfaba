"""Grouped split: nothing that is the same picture (exact, near duplicate, augmented copy) straddles it."""
from collections import Counter, defaultdict

from maskwatch_models import data as D
from maskwatch_models.paths import LABELS


def test_no_group_straddles_the_split():
    items = D.build_index()
    train, val = D.grouped_split(items, 0.2, 1234)
    assert len(train) + len(val) == len(items)
    assert not ({i.group for i in train} & {i.group for i in val})
    # exact duplicates share a group
    by_sha = defaultdict(set)
    for it in items:
        by_sha[it.sha256].add(it.group)
    assert all(len(g) == 1 for g in by_sha.values())
    # every augmented copy sits in a group with at least one original
    groups = defaultdict(list)
    for it in items:
        groups[it.group].append(it.rel)
    for it in items:
        if "/augmented_image_" in it.rel:
            assert any("/augmented_image_" not in r for r in groups[it.group]), it.rel


def test_near_duplicate_groups_are_kept_together():
    items = D.build_index()
    by_rel = {i.rel: i.group for i in items}
    for grp in D.G.near_duplicate_groups(D.DATASETS / "face-mask" / "NEAR_DUPLICATE_GROUPS.json"):
        assert len({by_rel["face-mask/" + r] for r in grp if "face-mask/" + r in by_rel}) == 1, grp


def test_split_is_stratified_and_deterministic():
    items = D.build_index()
    train, val = D.grouped_split(items, 0.2, 1234)
    all_c, val_c = Counter(i.label for i in items), Counter(i.label for i in val)
    for c in range(len(LABELS)):
        assert 0.18 <= val_c[c] / all_c[c] <= 0.23, (LABELS[c], val_c[c], all_c[c])
    assert [i.path for i in D.grouped_split(items, 0.2, 1234)[1]] == [i.path for i in val]
    assert [i.path for i in D.grouped_split(items, 0.2, 99)[1]] != [i.path for i in val]


def test_union_find_merges_transitively():
    uf = D.G.UnionFind(4)
    uf.union(0, 1)
    uf.union(2, 1)
    assert uf.find(0) == uf.find(2) != uf.find(3)
