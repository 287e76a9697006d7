# The wheel carries a compiled module (zonesim/_core*.so, built by CMake), so it is tagged for this
# Python and platform rather than "any". Everything else is in pyproject.toml.
from setuptools import setup
from setuptools.dist import Distribution


class BinaryDistribution(Distribution):
    def has_ext_modules(self):
        return True


setup(distclass=BinaryDistribution)
