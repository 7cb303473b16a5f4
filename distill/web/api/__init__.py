"""The REST API, /api/v1: one router per resource."""

from fastapi import APIRouter

from distill.web.api import ask, batches, browser, channels, highlights, jobs, search, videos
from distill.web.api.models import ErrorOut

router = APIRouter(
    prefix="/api/v1",
    responses={404: {"model": ErrorOut}, 400: {"model": ErrorOut}, 422: {"model": ErrorOut}},
)
router.include_router(videos.router, prefix="/videos", tags=["videos"])
# /documents is the same resource under a name that fits articles, PDFs, episodes and books.
router.include_router(videos.router, prefix="/documents", tags=["documents"])
router.include_router(batches.router)
router.include_router(channels.router)
router.include_router(jobs.router)
router.include_router(search.router)
router.include_router(ask.router)
router.include_router(highlights.router)
router.include_router(browser.router)

__all__ = ["router"]
