"""/api/v1/jobs: submit a source (a YouTube URL, or an uploaded file), follow and retry the job."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from distill.web import submissions
from distill.web.api.auth import WRITE
from distill.web.api.models import ErrorOut, JobOut, SubmitIn
from distill.web.deps import full_id, get_state
from distill.web.render import job_error, source_label
from distill.web.uploads import UploadError

router = APIRouter(prefix="/jobs", tags=["jobs"])


def job_out(job: object) -> JobOut:
    data = job.model_dump()  # type: ignore[attr-defined]
    data["error"] = job_error(data["source"], data.get("error"))
    data["source"] = source_label(data["source"])
    data["page"] = f"/jobs/{data['id']}"
    data["video_page"] = f"/v/{data['video_id']}" if data.get("video_id") else None
    return JobOut(**{k: v for k, v in data.items() if k in JobOut.model_fields})


@router.post("", response_model=JobOut, status_code=202, **WRITE)
async def submit(request: Request, body: SubmitIn) -> JobOut:
    """Summarize a YouTube video; the same URL submitted while its job runs gives that job."""
    state = get_state(request)
    job = await run_in_threadpool(
        lambda: submissions.submit_url(state, body.source, lang=body.lang)
    )
    return job_out(job)


UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {"type": "string", "format": "binary"},
                        "title": {
                            "type": "string",
                            "maxLength": 500,
                            "description": "the title to store instead of the file's name",
                        },
                    },
                }
            }
        },
    }
}


@router.post(
    "/upload",
    response_model=JobOut,
    status_code=202,
    dependencies=WRITE["dependencies"],
    responses={
        **WRITE["responses"],
        413: {"model": ErrorOut, "description": "The file is over the upload limit."},
        415: {"model": ErrorOut, "description": "Neither media nor caption text."},
    },
    openapi_extra=UPLOAD_BODY,
)
async def upload(request: Request) -> JobOut:
    """Summarize an uploaded audio/video file, caption file or transcript (checked by content)."""
    state = get_state(request)
    form = await request.form(max_files=1, max_fields=5)
    try:
        file = form.get("file")
        if not isinstance(file, UploadFile) or not file.filename:
            raise UploadError("Send the file as the multipart form field 'file'.")
        title = form.get("title")
        path = await run_in_threadpool(submissions.store_file, state, file.file, file.filename)
    finally:
        await form.close()
    job = await run_in_threadpool(
        lambda: submissions.submit_file(
            state, str(path), title=title if isinstance(title, str) else None
        )
    )
    return job_out(job)


@router.get("", response_model=list[JobOut])
async def list_jobs(
    request: Request,
    status: Literal["queued", "running", "done", "failed"] | None = None,
    limit: int = Query(50, ge=1, le=200),
) -> list[JobOut]:
    """Recent jobs, newest first; filter by status."""
    lib = get_state(request).library
    jobs = await run_in_threadpool(lambda: lib.list_jobs(status=status, limit=limit))
    return [job_out(j) for j in jobs]


@router.get("/{job_id}", response_model=JobOut)
async def get_job(request: Request, job_id: str) -> JobOut:
    """A job's status, stage and the stage's progress (0..1)."""
    lib = get_state(request).library
    return job_out(await run_in_threadpool(lib.get_job, await full_id(request, job_id, "job")))


@router.post("/{job_id}/retry", response_model=JobOut, **WRITE)
async def retry(request: Request, job_id: str) -> JobOut:
    """Queue a failed job again."""
    state = get_state(request)
    return job_out(await run_in_threadpool(state.service.retry, job_id))
