"""ignoring: one "ignore" filter for a block, removed alone on exit; warn:
a warning that points at the line that called into the package."""

import concurrent.futures.thread
import warnings
from concurrent.futures import ThreadPoolExecutor

import pytest

from sktime_metric.utils._warnings import ignoring, warn


def test_the_message_is_matched_case_insensitively_as_filterwarnings_does():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with ignoring("number of DISTINCT clusters"):
            warnings.warn("Number of distinct clusters (1) found smaller ...")
        warnings.warn("Number of distinct clusters, after the block")
    assert [str(w.message) for w in caught] == [
        "Number of distinct clusters, after the block"]


def test_exit_leaves_an_equal_filter_of_the_users_in_place():
    # another thread's catch_warnings restored a list without the block's
    # filter, then the user added the very same filter (an equal tuple): the
    # block's exit removes its own filter object only, not the user's
    with warnings.catch_warnings():
        block = ignoring("Number of distinct clusters")
        with warnings.catch_warnings():  # the other thread's, entered first
            block.__enter__()
        warnings.filterwarnings("ignore", message="Number of distinct clusters")
        users = warnings.filters[0]
        block.__exit__(None, None, None)
        assert any(f is users for f in warnings.filters)


def _caught(message):
    with warnings.catch_warnings(record=True) as caught:
        warnings.warn(message)
    return len(caught)


def test_overlapping_blocks_of_one_message_each_remove_their_own_filter():
    # fits in threads: A and B (and C) enter, A leaves first. Equal filter
    # tuples made A's exit remove B's filter (and then its own): B ran
    # unfiltered, and with three blocks one filter outlived them all
    message = "Number of distinct clusters (1) found smaller"
    before = list(warnings.filters)
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        always = list(warnings.filters)
        blocks = [ignoring("Number of distinct clusters") for _ in range(3)]
        for block in blocks:
            block.__enter__()
        blocks[0].__exit__(None, None, None)
        assert _caught(message) == 0  # B and C still ignore it
        blocks[1].__exit__(None, None, None)
        assert _caught(message) == 0  # C still does
        blocks[2].__exit__(None, None, None)
        assert warnings.filters == always
        assert _caught(message) == 1
    assert warnings.filters == before


def test_warn_points_at_the_line_that_called_it_from_outside_the_package():
    with pytest.warns(RuntimeWarning, match="from a test") as record:
        warn("from a test", RuntimeWarning)
    assert record[0].filename == __file__


def test_without_a_users_line_on_the_stack_warn_names_its_caller():
    # a pool's worker thread: its stack holds the standard library's frames
    # only, so the line named is the one that called into the package
    with pytest.warns(UserWarning, match="in a worker") as record:
        with ThreadPoolExecutor(1) as pool:
            pool.submit(warn, "in a worker").result()
    assert record[0].filename == concurrent.futures.thread.__file__


def test_a_block_leaving_removes_no_other_blocks_filter_from_the_current_list():
    # A enters; another thread's catch_warnings copies the list (with A's
    # filter) and B enters into the copy; that thread leaves (the copy and
    # B's filter with it), then B leaves: its exit must not take A's filter,
    # an equal tuple but for the block's token, out of the current list
    message = "Number of distinct clusters (1) found smaller"
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        a = ignoring("Number of distinct clusters")
        a.__enter__()
        with warnings.catch_warnings():  # the other thread's
            b = ignoring("Number of distinct clusters")
            b.__enter__()
        b.__exit__(None, None, None)
        assert _caught(message) == 0  # A still ignores it
        a.__exit__(None, None, None)
        assert _caught(message) == 1


def test_a_block_leaving_removes_its_filter_from_another_threads_copy_too():
    # another thread's catch_warnings copied the list while the block ran:
    # the copy, now the current list, loses the block's filter on exit
    message = "Number of distinct clusters (1) found smaller"
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        a = ignoring("Number of distinct clusters")
        a.__enter__()
        with warnings.catch_warnings():  # the other thread's
            assert _caught(message) == 0
            a.__exit__(None, None, None)
            assert _caught(message) == 1


def test_only_the_given_category_is_ignored():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with ignoring("a known message", RuntimeWarning):
            warnings.warn("a known message", RuntimeWarning)
            warnings.warn("a known message", UserWarning)
    assert [w.category for w in caught] == [UserWarning]


@pytest.mark.parametrize("library", ["sklearn", "skorch", "joblib", "torch"])
def test_frames_of_the_calling_libraries_are_skipped(library):
    # a frame in the library's folder (a stand-in: code compiled with a file
    # name there) between this line and warn(): the warning names this line
    import functools
    import importlib
    import os

    folder = os.path.dirname(importlib.import_module(library).__file__)
    namespace = {"__name__": f"{library}._stand_in"}
    exec(compile("def call(f):\n    return f()\n",
                 os.path.join(folder, "_stand_in.py"), "exec"), namespace)
    with pytest.warns(UserWarning, match="through a library") as record:
        namespace["call"](functools.partial(warn, "through a library"))
    assert record[0].filename == __file__


def test_the_standard_library_is_told_by_path_whatever_its_case_on_windows(
        monkeypatch):
    # Windows' paths (ntpath) on any system: the folders sysconfig gives and
    # a frame's file name may spell one folder in another case or with "/"
    import ntpath
    import types

    from sktime_metric.utils import _warnings

    lib = r"C:\Python312\Lib"
    monkeypatch.setattr(_warnings, "os", types.SimpleNamespace(
        path=ntpath, sep=ntpath.sep, __file__=ntpath.join(lib, "os.py")))
    monkeypatch.setattr(_warnings, "sysconfig", types.SimpleNamespace(
        get_paths=lambda: {"stdlib": lib, "platstdlib": lib}))
    monkeypatch.setattr(_warnings, "_STDLIB", _warnings._standard_library())
    assert _warnings._in_standard_library(r"C:\Python312\Lib\copy.py")
    assert _warnings._in_standard_library(r"c:\python312\lib\copy.py")
    assert _warnings._in_standard_library("C:/Python312/Lib/concurrent/thread.py")
    assert not _warnings._in_standard_library(
        r"c:\python312\Lib\Site-Packages\sklearn\base.py")
    assert not _warnings._in_standard_library(r"C:\Users\me\copy.py")


def test_a_frame_of_the_package_spelled_another_way_is_skipped():
    # the package's folder as a sys.path entry typed with a "." in it names
    # its files so (on Windows in another case too): still the package's
    # frames, so the warning names this line, not the stand-in's
    import functools
    import os

    import sktime_metric

    folder = os.path.dirname(sktime_metric.__file__)
    filename = os.path.join(os.path.dirname(folder), ".",
                            os.path.basename(folder), "_stand_in.py")
    namespace = {"__name__": "sktime_metric._stand_in"}
    exec(compile("def call(f):\n    return f()\n", filename, "exec"), namespace)
    with pytest.warns(UserWarning, match="through the package") as record:
        namespace["call"](functools.partial(warn, "through the package"))
    assert record[0].filename == __file__
