from . import models, reports
